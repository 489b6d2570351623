"""The contact pages: recording a contact for a person, its page, changing it, and who may open
each (the access layer decides who may see a contact; 404 for everyone else)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from familyhub.access.models import SharingAgreement
from familyhub.access.records import Category
from familyhub.audit.models import AccessLog
from familyhub.contacts.models import Contact, Prompt
from familyhub.contacts.tests.conftest import record
from familyhub.people.services import registration_record
from familyhub.testing.forms import date_fields

pytestmark = pytest.mark.django_db


def _post(family, **overrides) -> dict:
    data = {
        **date_fields("contact_on", timezone.localdate().isoformat()),
        "kind": "home_visit",
        "seen": [family.child.pk, family.mother.pk],
        "present": "Aunt Quilla",
        "child_voice": "I want my own room",
        "discussed": "Damp in the bedroom",
        "agreed": "Jane calls the landlord",
        **date_fields(
            "next_contact_on", (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
        ),
        "category": "",
    }
    data.update(overrides)
    return data


def test_recording_a_contact_with_two_prompts_answered(client, signed_in, family):
    worker = signed_in(client, family.colleague)
    url = reverse("contacts:new", args=[family.child.public_id])
    page = worker.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Does anyone in the household smoke?" in text
    assert "Mia Walker" in text and "Jane Walker" in text  # who may be ticked as seen
    smoking = Prompt.objects.get(authority__isnull=True, code="smoking")
    gp = Prompt.objects.get(authority__isnull=True, code="gp")
    response = worker.post(
        url, _post(family, **{f"prompt_{smoking.pk}": "referred", f"prompt_{gp.pk}": "discussed"})
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    contact = Contact.objects.get()
    assert response["Location"] == reverse("contacts:contact", args=[contact.public_id])
    answers = dict(contact.answers.values_list("prompt__code", "answer"))
    assert answers["smoking"] == "referred" and answers["gp"] == "discussed"
    assert answers["dentist"] == ""
    shown = worker.get(response["Location"]).content.decode()
    for value in ("Aunt Quilla", "I want my own room", "Damp in the bedroom", "Jane calls the landlord",
                  "Referred", "Tom Walker, Jane Walker"):  # fmt: skip
        assert value in shown, value


def test_bad_input_shows_the_form_again_with_messages(client, signed_in, family):
    worker = signed_in(client, family.colleague)
    response = worker.post(
        reverse("contacts:new", args=[family.child.public_id]),
        _post(family, discussed="", seen=[], kind="", **date_fields("contact_on", "2999-01-01")),
    )
    assert response.status_code == 400
    text = response.content.decode()
    for message in (
        "Enter what was discussed",
        "Select who was seen or spoken to",
        "Select the type of contact",
    ):
        assert message in text, message
    assert not Contact.objects.exists()
    response = worker.post(
        reverse("contacts:new", args=[family.child.public_id]),
        _post(family, **date_fields("contact_on", (timezone.localdate() + datetime.timedelta(days=3)).isoformat())),
    )  # fmt: skip
    assert response.status_code == 400
    assert "The date of the contact must be today or in the past" in response.content.decode()


def test_the_person_page_offers_record_a_contact_to_those_who_may(client, signed_in, family):
    link = reverse("contacts:new", args=[family.child.public_id])
    page = signed_in(client, family.colleague).get(
        reverse("people:person", args=[family.child.public_id])
    )
    assert link in page.content.decode()
    client.logout()
    # The front door's triage officer may see Tom (his referral) but records no contacts.
    page = signed_in(client, family.triage).get(
        reverse("people:person", args=[family.child.public_id])
    )
    assert page.status_code == 200 and link not in page.content.decode()
    assert client.get(link).status_code == 404


@pytest.mark.parametrize("who", ["outsider", "health_visitor", "commissioner"])
def test_someone_not_involved_cannot_open_a_contact(client, signed_in, family, who):
    contact = record(family)
    signed_in(client, getattr(family, who))
    for name, args in (
        ("contacts:contact", [contact.public_id]),
        ("contacts:edit", [contact.public_id]),
        ("contacts:new", [family.child.public_id]),
    ):
        assert client.get(reverse(name, args=args)).status_code in (403, 404), name
    family_page = client.get(
        reverse("access:person-family", args=[family.child.public_id]), follow=True
    )
    assert "damp in the bedroom" not in family_page.content.decode()


def test_the_contact_is_on_the_family_timeline_for_those_who_may_see_it(client, signed_in, family):
    record(family, discussed="Kestrel-4417 plan")
    timeline = reverse("access:person-family", args=[family.mother.public_id])
    page = signed_in(client, family.lead).get(timeline, follow=True).content.decode()
    assert "Kestrel-4417 plan" in page and "Home visit" in page
    client.logout()
    # The family hub worker who registered the family sees them, but not early help's contact:
    # it is counted among what is not shared with them.
    registration_record(person=family.mother, by=family.hub_worker, team=family.hub_team)
    worker = signed_in(client, family.hub_worker)
    page = worker.get(timeline, follow=True).content.decode()
    assert "Walker" in page and "Kestrel-4417" not in page
    record(family, discussed="Another")
    assert _not_shared(worker.get(timeline, follow=True).content.decode()) == _not_shared(page) + 1


def _not_shared(page: str) -> int:
    found = re.search(r"(\d+) items? not shared with you", page)
    return int(found.group(1)) if found else 0


def test_a_sensitive_contact_stays_with_its_service(client, signed_in, family):
    """A blanket agreement shares early help's general records with every service; it never
    covers a sensitive category, which is not even counted as hidden."""
    registration_record(person=family.mother, by=family.hub_worker, team=family.hub_team)
    SharingAgreement.objects.create(
        name="Early help shares with partners",
        owner_service=family.early_help,
        recipient_service=None,
        categories=[Category.GENERAL, Category.DOMESTIC_ABUSE],
    )
    record(family, discussed="Ordinary-7781 visit")
    worker = signed_in(client, family.hub_worker)
    timeline = reverse("access:person-family", args=[family.mother.public_id])
    before = worker.get(timeline, follow=True).content.decode()
    secret = record(family, discussed="Secret-5532 disclosure", category=Category.DOMESTIC_ABUSE)
    page = worker.get(timeline, follow=True).content.decode()
    assert "Ordinary-7781" in page and "Secret-5532" not in page
    assert _not_shared(page) == _not_shared(before)
    assert client.get(reverse("contacts:contact", args=[secret.public_id])).status_code == 404


def test_opening_a_contact_logs_the_people_it_shows(client, signed_in, family):
    contact = record(family)
    last = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    signed_in(client, family.lead).get(reverse("contacts:contact", args=[contact.public_id]))
    logged = set(AccessLog.objects.filter(pk__gt=last).values_list("person_pk", flat=True))
    assert {family.child.pk, family.mother.pk} <= logged


def test_only_the_recorder_or_a_manager_of_the_service_changes_a_contact(client, signed_in, family):
    contact = record(family, by=family.lead)
    edit = reverse("contacts:edit", args=[contact.public_id])
    assert signed_in(client, family.colleague).get(edit).status_code == 404
    page = client.get(reverse("contacts:contact", args=[contact.public_id])).content.decode()
    assert edit not in page
    client.logout()
    assert signed_in(client, family.team_leader).get(edit).status_code == 200
    client.logout()
    lead = signed_in(client, family.lead)
    assert lead.get(edit).status_code == 200
    response = lead.post(edit, _post(family, version=contact.version, discussed="Changed-1188"))
    assert response.status_code == 302, response.content.decode()[:3000]
    contact.refresh_from_db()
    assert contact.discussed == "Changed-1188" and contact.version == 2


def test_a_change_made_meanwhile_is_not_overwritten(client, signed_in, family):
    contact = record(family, by=family.lead)
    lead = signed_in(client, family.lead)
    edit = reverse("contacts:edit", args=[contact.public_id])
    first = lead.post(edit, _post(family, version=1, discussed="First-2201"))
    assert first.status_code == 302
    second = lead.post(edit, _post(family, version=1, discussed="Second-2202"), follow=True)
    assert "Your changes were not saved" in second.content.decode()
    contact.refresh_from_db()
    assert contact.discussed == "First-2201"


def test_a_team_choice_for_someone_in_two_recording_teams(client, signed_in, family):
    from familyhub.testing import factories

    factories.TeamMembershipFactory(user=family.colleague, team=family.hub_team)
    worker = signed_in(client, family.colleague)
    url = reverse("contacts:new", args=[family.child.public_id])
    assert "Which team are you recording for?" in worker.get(url).content.decode()
    response = worker.post(url, _post(family, team=family.hub_team.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Contact.objects.get().owning_service == family.hubs


def test_break_glass_opens_an_ordinary_contact_but_not_a_sensitive_one(client, signed_in, family):
    from familyhub.access import services as access_services

    ordinary = record(family, discussed="Ordinary-7781 visit")
    secret = record(family, discussed="Secret-5532 disclosure", category=Category.SEXUAL_VIOLENCE)
    access_services.break_glass_start(
        user=family.health_visitor,  # another service, not involved with the family
        person=family.child,
        ground="emergency",
        reason="Police called about a child at this address tonight.",
    )
    outsider = signed_in(client, family.health_visitor)
    assert outsider.get(reverse("contacts:contact", args=[ordinary.public_id])).status_code == 200
    assert outsider.get(reverse("contacts:contact", args=[secret.public_id])).status_code == 404
