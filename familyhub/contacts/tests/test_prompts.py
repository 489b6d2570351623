"""Which Making Every Contact Count prompts a contact offers: a prompt's check applies, it was not
answered for the family within its repeat window, and a council's own set replaces the default."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from familyhub.contacts.checks import prompt_checks, register_check
from familyhub.contacts.models import Prompt, PromptAnswer
from familyhub.contacts.prompts import DEFAULT_PROMPTS, prompts_due, prompts_of
from familyhub.contacts.tests.conftest import add_member, record
from familyhub.people.services import registration_record

pytestmark = pytest.mark.django_db


def codes(person, household, **kwargs) -> list[str]:
    return [prompt.code for prompt in prompts_due(person, household, **kwargs)]


def test_the_default_prompts_are_seeded_with_the_issues_list(family):
    defaults = Prompt.objects.filter(authority__isnull=True)
    assert sorted(defaults.values_list("code", flat=True)) == sorted(r[0] for r in DEFAULT_PROMPTS)
    smoking = defaults.get(code="smoking")
    assert smoking.question == "Does anyone in the household smoke?"
    assert smoking.check_name == "always" and smoking.about == "household"
    # Every default names a check that is registered (childhealth's two-year review included).
    assert set(defaults.values_list("check_name", flat=True)) <= {
        n for n, _ in prompt_checks.items()
    }


def test_what_the_register_knows_decides_which_prompts_apply(family):
    """The Walkers: Jane (35), Tom (9), Mia (2). Nobody is registered at a family hub."""
    assert codes(family.child, family.household) == [
        "smoking",
        "immunisations",  # Mia is under 5
        "gp",
        "dentist",
        "funded-childcare",  # Mia is 2
        "family-hub",
        "adult-learning-employment",  # Jane is an adult
    ]


def test_without_a_young_child_or_an_adult_those_prompts_are_not_offered(family):
    alone = family.world.child  # Tom with no household: a 9-year-old on his own
    assert codes(alone, None) == ["smoking", "gp", "dentist", "family-hub"]


def test_a_family_registered_at_a_family_hub_is_not_asked_to_register(family):
    registration_record(person=family.mother, by=family.hub_worker, team=family.hub_team)
    assert "family-hub" not in codes(family.child, family.household)


def test_a_two_year_review_due_is_a_prompt_from_child_health(family):
    from familyhub.childhealth import services as childhealth

    baby = add_member(
        family.world,
        "Ava",
        timezone.localdate() - datetime.timedelta(days=745),
        area=family.child.area,  # lives in the council: child health keeps her schedule
    )
    assert "two-year-review" not in codes(family.child, family.household)  # no schedule yet
    childhealth.schedule_refresh(baby)
    assert "two-year-review" in codes(family.child, family.household)


def test_a_prompt_answered_recently_is_not_asked_again_until_its_window_passes(family):
    smoking = Prompt.objects.get(authority__isnull=True, code="smoking")  # every 90 days
    record(family, answers={smoking.pk: "discussed"})
    today = timezone.localdate()
    assert "smoking" not in codes(family.child, family.household)
    assert "smoking" not in codes(
        family.child, family.household, today=today + datetime.timedelta(days=89)
    )
    assert "smoking" in codes(
        family.child, family.household, today=today + datetime.timedelta(days=90)
    )


def test_an_offered_prompt_left_unanswered_is_asked_again(family):
    record(family)  # every prompt offered, none answered
    assert "smoking" in codes(family.child, family.household)


def test_a_household_prompt_answered_for_a_sibling_is_not_asked_again(family):
    smoking = Prompt.objects.get(authority__isnull=True, code="smoking")  # about the household
    childcare = Prompt.objects.get(authority__isnull=True, code="funded-childcare")  # a child
    record(family, answers={smoking.pk: "declined", childcare.pk: "signposted"})
    for_mia = codes(family.toddler, family.household)
    assert "smoking" not in for_mia
    assert "funded-childcare" in for_mia  # answered for Tom, not for Mia


def test_a_councils_own_prompts_replace_the_default_set(family):
    own = Prompt.objects.create(
        authority=family.authority, code="cost-of-living", check_name="always",
        question="Would the family like help with the cost of living?",
    )  # fmt: skip
    assert codes(family.child, family.household) == ["cost-of-living"]
    own.active = False
    own.save()
    # A council that turns its own prompts off asks none: the defaults do not come back.
    assert codes(family.child, family.household) == []
    assert list(prompts_of(family.authority.pk)) == []


def test_a_prompt_is_asked_only_when_its_check_applies(family):
    calls = []

    @register_check("test_never", "Never (a test)")
    def never(person, members, today) -> bool:
        calls.append((person, list(members), today))
        return False

    try:
        Prompt.objects.create(
            authority=family.authority,
            code="never",
            question="Never asked?",
            check_name="test_never",
        )
        Prompt.objects.create(
            authority=family.authority, code="gone", question="Its part is gone?",
            check_name="not_registered_anywhere",
        )  # fmt: skip
        assert codes(family.child, family.household) == []
        person, members, _ = calls[0]
        assert person == family.child
        assert set(members) == {family.child, family.mother, family.toddler}
    finally:
        prompt_checks.unregister("test_never")


def test_inactive_prompts_are_not_asked(family):
    Prompt.objects.filter(authority__isnull=True, code="gp").update(active=False)
    assert "gp" not in codes(family.child, family.household)
    assert PromptAnswer.objects.count() == 0
