"""The authorisation matrix: roles x categories x involvement x consent x channel, and a family
column (family accounts x people x categories x the family's mark, and protected addresses).

Every cell is asserted against an oracle written from the protocol in plain words (not from the
layer's code): 11 roles x 8 categories x 4 kinds of involvement x 3 consent states x 4 channels.
A leak (seen but should not be) and a wrongful hiding (should be seen but is not) both fail.
"""

from __future__ import annotations

import csv
import io
from itertools import product

import pytest
from django.test import Client
from django.utils import timezone

from familyhub.access.models import (
    Basis,
    BreakGlass,
    Consent,
    ConsentMethod,
    SharedNote,
    SharingAgreement,
)
from familyhub.access.records import Category
from familyhub.accounts.roles import PRACTITIONER_ROLES, STAFF_ROLES, Role
from familyhub.testing.factories import (
    HouseholdFactory,
    HouseholdMembershipFactory,
    PersonFactory,
    RegistrationFactory,
    ServiceFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

# Staff roles; family accounts never reach these channels (the family door sends them home) and
# have their own column below, through the family's pages and download.
ROLES = list(STAFF_ROLES)
CATEGORIES = list(Category)
INVOLVEMENT = ["none", "direct", "household", "break_glass"]
CONSENT = ["none", "given", "withdrawn"]
CHANNELS = ["page", "api", "search", "export"]
SENSITIVE = {Category.DOMESTIC_ABUSE, Category.SEXUAL_VIOLENCE, Category.SEXUAL_HEALTH}
NOT_RECEPTION = [r.value for r in PRACTITIONER_ROLES if r != Role.RECEPTION]


def expected(role: str, category: str, involvement: str, consent: str) -> bool:
    """The protocol in words, for the agreements set up below."""
    if role not in PRACTITIONER_ROLES:
        return False  # commissioners, IG leads and administrators never see case records
    if involvement == "break_glass" and category not in SENSITIVE:
        # Emergency access opens the record, except what the council's policy keeps with the
        # owning service (by default the sensitive categories): those follow the agreements,
        # as for anyone who may see the person.
        return True
    if involvement == "none":
        return False  # no involvement, no record
    if category == Category.GENERAL:
        return True  # A1: every role of the recipient service
    if role == Role.RECEPTION:
        return False  # A2-A4 leave reception out
    if category in (Category.HEALTH, Category.SAFEGUARDING):
        return True  # A2: public task
    if category in (Category.MENTAL_HEALTH, Category.SUBSTANCE_USE):
        return consent == "given"  # A3: consent, not withdrawn
    if category == Category.DOMESTIC_ABUSE:
        return role == Role.LEAD_PROFESSIONAL and consent == "given"  # A4 names the recipient
    return False  # sexual violence, sexual health: only a blanket line (A5), which cannot share


def title(involvement: str, consent: str, category: str) -> str:
    return f"NOTE-{involvement}-{consent}-{category}-END"


@pytest.fixture
def matrix(authority, make_user, signed_in):
    owner = ServiceFactory(authority=authority, name="Owner service")
    recipient = ServiceFactory(authority=authority, name="Recipient service")
    TeamFactory(service=owner)
    team = TeamFactory(service=recipient)
    users = {role.value: make_user(role.value, team=team) for role in ROLES}
    lines = [
        ([], [Category.GENERAL], Basis.PUBLIC_TASK, recipient),
        (NOT_RECEPTION, [Category.HEALTH, Category.SAFEGUARDING], Basis.PUBLIC_TASK, recipient),
        (NOT_RECEPTION, [Category.MENTAL_HEALTH, Category.SUBSTANCE_USE], Basis.CONSENT, recipient),
        ([Role.LEAD_PROFESSIONAL.value], [Category.DOMESTIC_ABUSE], Basis.CONSENT, recipient),
        (
            [],
            [Category.SEXUAL_HEALTH, Category.SEXUAL_VIOLENCE, Category.DOMESTIC_ABUSE],
            Basis.PUBLIC_TASK,
            None,
        ),
    ]
    for n, (roles, categories, basis, to) in enumerate(lines, start=1):
        SharingAgreement.objects.create(
            name=f"A{n}",
            owner_service=owner,
            recipient_service=to,
            roles=roles,
            categories=[str(c) for c in categories],
            basis=basis,
        )
    # One household per kind of involvement; in each, one subject per consent state (so each
    # request answers 3 consent states x 8 categories), and a child who carries no notes.
    families = {}
    now = timezone.now()
    for involvement in INVOLVEMENT:
        household = HouseholdFactory(authority=authority)
        child = PersonFactory(
            authority=authority,
            family_name=f"Child{involvement}",
            date_of_birth=timezone.localdate() - timezone.timedelta(days=5 * 365),
        )
        HouseholdMembershipFactory(household=household, person=child)
        if involvement == "household":
            RegistrationFactory(person=child, service=recipient, registered_at=now)
        for consent in CONSENT:
            subject = PersonFactory(
                authority=authority, family_name=f"Subject{involvement}{consent}"
            )
            HouseholdMembershipFactory(household=household, person=subject)
            for category in CATEGORIES:
                SharedNote.objects.create(
                    person=subject,
                    owning_service=owner,
                    category=category,
                    title=title(involvement, consent, category),
                )
            if involvement == "direct":
                RegistrationFactory(person=subject, service=recipient, registered_at=now)
            elif involvement == "break_glass":
                for user in users.values():
                    BreakGlass.objects.create(
                        user=user,
                        person=subject,
                        reason="matrix test",
                        expires_at=now + timezone.timedelta(hours=1),
                    )
            if consent in ("given", "withdrawn"):
                Consent.objects.create(
                    person=subject,
                    given=True,
                    method=ConsentMethod.WRITTEN,
                    withdrawn_at=now if consent == "withdrawn" else None,
                )
        families[involvement] = household
    clients = {}
    for role, user in users.items():
        clients[role] = signed_in(Client(), user)
    return users, clients, families


def _seen(client: Client, channel: str, household, involvement: str):
    """(status, text seen, not-shared count or None) through one channel."""
    if channel == "page":
        response = client.get(f"/access/families/{household.public_id}/")
        text = response.content.decode() if response.status_code == 200 else ""
    elif channel == "api":
        response = client.get(f"/access/api/families/{household.public_id}/")
        if response.status_code == 200:
            data = response.json()
            text = " ".join(item["summary"] for item in data["timeline"])
            return response.status_code, text, data["not_shared_count"]
        text = ""
    elif channel == "search":
        response = client.get("/access/notes/", {"q": f"NOTE-{involvement}-"})
        text = response.content.decode()
    else:
        response = client.get(f"/access/families/{household.public_id}/timeline.csv")
        text = ""
        if response.status_code == 200:
            rows = csv.reader(io.StringIO(response.content.decode()))
            text = " ".join(cell for row in rows for cell in row)
    return response.status_code, text, None


@pytest.mark.slow
def test_authorisation_matrix_every_cell_no_leaks(matrix):
    users, clients, families = matrix
    cells = 0
    wrong: list[str] = []
    for role, involvement, channel in product(users, INVOLVEMENT, CHANNELS):
        household = families[involvement]
        status, text, not_shared = _seen(clients[role], channel, household, involvement)
        core_visible = role in PRACTITIONER_ROLES and involvement != "none"
        expected_status = 200 if channel == "search" or core_visible else 404
        if status != expected_status:
            wrong.append(f"{role}/{involvement}/{channel}: status {status}")
        hidden_ordinary = 0
        for consent, category in product(CONSENT, CATEGORIES):
            cells += 1
            should = expected(role, category, involvement, consent)
            seen = title(involvement, consent, category) in text
            if seen != should:
                kind = "LEAK" if seen else "hidden wrongly"
                wrong.append(f"{kind}: {role}/{category}/{involvement}/{consent}/{channel}")
            if not should and category not in SENSITIVE:
                hidden_ordinary += 1
        if not_shared is not None and not_shared != hidden_ordinary:
            wrong.append(f"{role}/{involvement}: not-shared {not_shared} != {hidden_ordinary}")
    assert cells == len(ROLES) * len(CATEGORIES) * len(INVOLVEMENT) * len(CONSENT) * len(CHANNELS)
    assert cells == 4224
    assert not wrong, f"{len(wrong)} wrong cells:\n" + "\n".join(wrong[:60])


# --- the family column ----------------------------------------------------------------------

FAMILY_SHOWN = {Category.GENERAL, Category.HEALTH}
FAMILY_CHANNELS = ["page", "export"]


def family_title(who: str, category: str, marked: bool) -> str:
    return f"FAM-{who}-{category}-{'marked' if marked else 'unmarked'}-END"


def family_expected(account_people: set[str], who: str, category: str, marked: bool) -> bool:
    """The family side in words: only the account's own people (themselves; for a parent, the
    children they are responsible for), only notes the practitioner marked for the family, and
    never a category the family side hides (safeguarding, mental health, substance use and
    every sensitive one)."""
    return who in account_people and marked and category in FAMILY_SHOWN


def _family_seen(client: Client, channel: str) -> str:
    from django.urls import reverse

    if channel == "page":
        return "".join(
            client.get(reverse(name)).content.decode()
            for name in ("portal:record_home", "portal:record_documents", "portal:record_plan")
        )
    return client.get(reverse("portal:record_data_download", args=["json"])).content.decode()


@pytest.mark.slow
def test_authorisation_matrix_family_column_no_leaks(matrix, make_user):
    """Family accounts across the matrix's households: a young person linked to themselves (each
    subject, an adult of a shared household) and a parent linked to a household's child. Every
    note in every category, marked for the family or not, about every person of every household,
    through the family's pages and their download; and every protected address."""
    from familyhub.access.models import AddressProtection, FamilyLink
    from familyhub.people.models import Relationship

    _users, _clients, families = matrix
    owner = SharedNote.objects.first().owning_service
    people: dict[str, object] = {}
    for involvement, household in families.items():
        for membership in household.memberships.select_related("person"):
            person = membership.person
            who = f"{involvement}-{person.family_name}"
            people[who] = person
            person.address_line1 = f"ADDR-{who}-END"
            person.save()
            for category, marked in product(CATEGORIES, (True, False)):
                SharedNote.objects.create(
                    person=person,
                    owning_service=owner,
                    category=category,
                    title=family_title(who, category, marked),
                    for_family=marked,
                )
    accounts: dict[str, tuple[Client, set[str], set[str]]] = {}
    for who, person in people.items():
        if person.family_name.startswith("Subject"):
            account = make_user(Role.FAMILY)
            FamilyLink.objects.create(
                user=account, person=person, relationship="self", how_confirmed="in_person"
            )
            client = Client()
            client.force_login(account)
            accounts[f"self:{who}"] = (client, {who}, set())
    for involvement, household in families.items():
        child = household.memberships.get(person__family_name__startswith="Child").person
        parent = household.memberships.get(person__family_name=f"Subject{involvement}none").person
        Relationship.objects.create(
            person=parent, relative=child, kind="mother", parental_responsibility=True
        )
        # The child's address is protected from this parent; the parent's from everyone.
        AddressProtection.objects.create(person=child, from_person=parent, reason="matrix")
        AddressProtection.objects.create(person=parent, reason="matrix")
        account = make_user(Role.FAMILY)
        FamilyLink.objects.create(
            user=account, person=parent, relationship="parent", how_confirmed="in_person"
        )
        client = Client()
        client.force_login(account)
        child_who = f"{involvement}-{child.family_name}"
        parent_who = f"{involvement}-{parent.family_name}"
        accounts[f"parent:{parent_who}"] = (client, {parent_who, child_who}, {child_who})
    cells = 0
    wrong: list[str] = []
    for name, (client, own, protected) in accounts.items():
        for channel in FAMILY_CHANNELS:
            text = _family_seen(client, channel)
            for who, category, marked in product(people, CATEGORIES, (True, False)):
                cells += 1
                should = family_expected(own, who, category, marked)
                seen = family_title(who, category, marked) in text
                if seen != should:
                    kind = "LEAK" if seen else "hidden wrongly"
                    wrong.append(f"{kind}: {name}/{channel}/{who}/{category}/{marked}")
            for who in people:
                cells += 1
                address_seen = f"ADDR-{who}-END" in text
                address_should = who in own and who not in protected
                if address_seen != address_should:
                    kind = "LEAK (address)" if address_seen else "address hidden wrongly"
                    wrong.append(f"{kind}: {name}/{channel}/{who}")
    assert cells == len(accounts) * len(FAMILY_CHANNELS) * len(people) * (len(CATEGORIES) * 2 + 1)
    assert not wrong, f"{len(wrong)} wrong cells:\n" + "\n".join(wrong[:60])
