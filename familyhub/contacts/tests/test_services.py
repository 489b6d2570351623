from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from familyhub.access.records import Category
from familyhub.audit.models import AccessLog
from familyhub.contacts import services
from familyhub.contacts.models import Contact, Prompt
from familyhub.contacts.prompts import prompts_due
from familyhub.contacts.tests.conftest import details, record
from familyhub.testing import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _errors(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.message_dict


def test_a_contact_belongs_to_the_recorders_service_and_the_family(family):
    contact = record(family, present="Grandmother", child_voice="I like my new teacher")
    assert contact.owning_service == family.early_help
    assert contact.team == family.central
    assert contact.category == Category.GENERAL
    assert contact.household == family.household
    assert contact.recorded_by == family.colleague
    assert set(contact.seen.all()) == {family.child, family.mother}
    assert contact.version == 1
    entries = AccessLog.objects.filter(person_pk=family.child.pk, purpose="Record a contact")
    assert list(entries.values_list("action", flat=True)) == ["create"]


def test_a_health_visitors_contact_is_a_health_record(family):
    contact = record(family, by=family.health_visitor, team=family.hv_team, person=family.toddler,
                     seen=[family.toddler])  # fmt: skip
    assert contact.owning_service == family.health_visiting
    assert contact.category == Category.HEALTH


def test_a_sensitive_category_is_kept(family):
    contact = record(family, category=Category.DOMESTIC_ABUSE)
    assert contact.category == Category.DOMESTIC_ABUSE


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"contact_on": None}, "contact_on", "Enter the date of the contact"),
        (
            {"contact_on": datetime.date.today() + datetime.timedelta(days=1)},
            "contact_on",
            "The date of the contact must be today or in the past",
        ),
        ({"kind": "carrier pigeon"}, "kind", "Select the type of contact"),
        ({"seen": []}, "seen", "Select who was seen or spoken to"),
        ({"discussed": "   "}, "discussed", "Enter what was discussed"),
        (
            {"next_contact_on": datetime.date.today()},
            "next_contact_on",
            "The date of the next contact must be after this contact",
        ),
        ({"category": "gossip"}, "category", "Select a category from the list"),
    ],
)
def test_bad_input_is_refused_naming_the_field(family, overrides, field, message):
    errors = _errors(lambda: record(family, **overrides))
    assert errors[field] == [message]
    assert not Contact.objects.exists()


def test_someone_outside_the_family_cannot_be_recorded_as_seen(family):
    other_child = factories.PersonFactory(authority=family.authority, family_name="Other")
    errors = _errors(lambda: record(family, seen=[family.child, other_child]))
    assert errors["seen"] == ["Select who was seen or spoken to from the family's members"]


def test_only_a_team_of_the_recorder_in_a_contact_service(family):
    errors = _errors(lambda: record(family, team=family.hv_team))  # not the colleague's team
    assert errors["team"] == ["Select the team you are recording the contact for"]
    errors = _errors(lambda: record(family, by=family.triage, team=family.front_door_team))
    assert errors["team"] == ["Select the team you are recording the contact for"]


def test_offered_prompts_are_saved_with_their_answers(family):
    due = prompts_due(family.child, family.household)
    smoking = next(p for p in due if p.code == "smoking")
    gp = next(p for p in due if p.code == "gp")
    contact = record(family, answers={smoking.pk: "signposted", gp.pk: "discussed"})
    rows = {row.prompt.code: row for row in contact.answers.select_related("prompt")}
    assert set(rows) == {p.code for p in due}  # every prompt offered has a row
    assert rows["smoking"].answer == "signposted" and rows["smoking"].answered_at is not None
    assert rows["gp"].answer == "discussed"
    assert rows["dentist"].answer == "" and rows["dentist"].answered_at is None
    assert rows["smoking"].person == family.child
    assert rows["smoking"].answered_by == family.colleague


def test_an_answer_that_is_not_on_the_list_is_refused(family):
    smoking = Prompt.objects.get(authority__isnull=True, code="smoking")
    errors = _errors(lambda: record(family, answers={smoking.pk: "maybe"}))
    assert errors[f"prompt_{smoking.pk}"] == [
        "Select an answer to “Does anyone in the household smoke?” from the list"
    ]


def test_an_answer_to_a_prompt_of_another_council_is_refused(family):
    elsewhere = Prompt.objects.create(
        authority=factories.AuthorityFactory(code="E09000099", name="Elsewhere"), code="pets", question="Any pets?",
        check_name="always",
    )  # fmt: skip
    errors = _errors(lambda: record(family, answers={elsewhere.pk: "discussed"}))
    assert f"prompt_{elsewhere.pk}" in errors


def test_a_prompt_answered_meanwhile_elsewhere_keeps_its_answer(family):
    """The form offered smoking; another contact answered it before this one was saved."""
    smoking = Prompt.objects.get(authority__isnull=True, code="smoking")
    record(family, answers={smoking.pk: "declined"})
    assert smoking not in prompts_due(family.child, family.household)
    later = record(family, answers={smoking.pk: "discussed"})
    assert later.answers.get(prompt=smoking).answer == "discussed"


def test_a_change_is_saved_and_logged(family):
    contact = record(family)
    smoking = contact.answers.get(prompt__code="smoking")
    changed = services.contact_update(
        contact=contact,
        by=family.colleague,
        version=contact.version,
        details=details(
            seen=[family.mother],
            kind="phone",
            discussed="Rent arrears",
            agreed="Jane will call the landlord",
            next_contact_on=TODAY() + datetime.timedelta(days=7),
            answers={smoking.prompt_id: "referred"},
        ),
    )
    assert changed.version == 2 and changed.kind == "phone" and changed.agreed
    assert list(changed.seen.all()) == [family.mother]
    smoking.refresh_from_db()
    assert smoking.answer == "referred" and smoking.answered_at is not None
    assert AccessLog.objects.filter(person_pk=family.child.pk, action="change").exists()


def test_two_people_changing_one_contact_cannot_both_win(family):
    contact = record(family)
    seen_version = contact.version
    services.contact_update(
        contact=contact, by=family.colleague, version=seen_version,
        details=details(seen=[family.child], discussed="First change"),
    )  # fmt: skip
    with pytest.raises(services.ContactConflict) as conflict:
        services.contact_update(
            contact=contact, by=family.team_leader, version=seen_version,
            details=details(seen=[family.child], discussed="Second change"),
        )  # fmt: skip
    assert "Your changes were not saved" in str(conflict.value)
    contact.refresh_from_db()
    assert contact.discussed == "First change" and contact.version == 2


def test_a_change_may_answer_only_the_prompts_the_contact_offered(family):
    contact = record(family)
    not_offered = Prompt.objects.get(authority__isnull=True, code="two-year-review")
    assert not contact.answers.filter(prompt=not_offered).exists()
    errors = _errors(
        lambda: services.contact_update(
            contact=contact,
            by=family.colleague,
            version=contact.version,
            details=details(seen=[family.child], answers={not_offered.pk: "discussed"}),
        )  # fmt: skip
    )
    assert f"prompt_{not_offered.pk}" in errors


def test_a_contact_tells_referrals_the_service_has_made_first_contact(family, monkeypatch):
    calls = []
    monkeypatch.setattr(services, "first_contact_made", lambda **kwargs: calls.append(kwargs))
    contact = record(family, contact_on=TODAY() - datetime.timedelta(days=2))
    assert calls == [
        {"person": family.child, "service": family.early_help, "on": contact.contact_on}
    ]
    services.contact_update(
        contact=contact, by=family.colleague, version=1,
        details=details(seen=[family.child], contact_on=TODAY() - datetime.timedelta(days=3)),
    )  # fmt: skip
    assert calls[-1]["on"] == TODAY() - datetime.timedelta(days=3)


def test_first_contact_is_marked_on_an_accepted_referral_to_the_service(family):
    from familyhub.referrals.models import Referral, ReferralStatus
    from familyhub.referrals.tests.factories import make_referral

    referral = make_referral(family.world, person=family.mother)
    Referral.objects.filter(pk=referral.pk).update(
        status=ReferralStatus.ACCEPTED, owning_service=family.hubs, decided_at=timezone.now()
    )
    when = TODAY() - datetime.timedelta(days=1)
    record(family, by=family.hub_worker, team=family.hub_team, person=family.mother,
           seen=[family.mother], contact_on=when)  # fmt: skip
    referral.refresh_from_db()
    assert referral.first_contact_on == when


def test_the_timeline_shows_every_field_back(family):
    smoking = Prompt.objects.get(authority__isnull=True, code="smoking")
    contact = record(
        family,
        present="Aunt Quilla",
        child_voice="Home is noisy",
        agreed="Call the school",
        next_contact_on=TODAY() + datetime.timedelta(days=14),
        answers={smoking.pk: "signposted"},
    )
    text = contact.timeline_detail()
    for shown in (
        "Tom Walker",
        "Jane Walker",
        "Aunt Quilla",
        "Home is noisy",
        "damp in the bedroom",
        "Call the school",
        (TODAY() + datetime.timedelta(days=14)).strftime("%-d %B %Y"),
        "Does anyone in the household smoke? signposted",
    ):
        assert shown in text, shown
    assert "Home visit" in contact.timeline_summary()
