"""Making Every Contact Count counted for the outcomes part: prompts offered and answered, by
answer, per prompt, per period (core.indicators' contract: counts by area, service and team)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from familyhub.contacts.indicators import prompt_figures
from familyhub.contacts.models import Prompt
from familyhub.contacts.tests.conftest import record
from familyhub.core import indicators as registry
from familyhub.core.indicators import period_of

pytestmark = pytest.mark.django_db


def _totals(key: str, authority_id: int, period) -> tuple[int, int]:
    spec = registry.get(key)
    assert spec is not None, key
    found = list(spec.compute(authority_id, period.start, period.end))
    return sum(c["numerator"] for c in found), sum(c["denominator"] for c in found)


def _prompt(code: str) -> Prompt:
    return Prompt.objects.get(authority__isnull=True, code=code)


@pytest.fixture
def answered(family):
    """Two contacts this quarter: the first offers every default prompt that applies (7) and
    answers three; the second (for Mia) offers what was not answered for the household."""
    smoking, gp, childcare = _prompt("smoking"), _prompt("gp"), _prompt("funded-childcare")
    first = record(family, answers={smoking.pk: "referred", gp.pk: "discussed",
                                    childcare.pk: "declined"})  # fmt: skip
    second = record(family, person=family.toddler, seen=[family.toddler],
                    answers={childcare.pk: "signposted"})  # fmt: skip
    return first, second


def test_prompts_answered_out_of_offered(family, answered):
    first, second = answered
    period = period_of(timezone.localdate(), "quarter")
    offered = first.answers.count() + second.answers.count()
    assert _totals("mecc_prompts_answered", family.authority.pk, period) == (4, offered)


def test_each_answer_out_of_prompts_answered(family, answered):
    period = period_of(timezone.localdate(), "quarter")
    expected = {"referred": 1, "discussed": 1, "declined": 1, "signposted": 1, "not_relevant": 0}
    for answer, count in expected.items():
        assert _totals(f"mecc_prompts_{answer}", family.authority.pk, period) == (count, 4), answer


def test_cells_are_by_area_service_and_team(family, answered):
    period = period_of(timezone.localdate(), "quarter")
    spec = registry.get("mecc_prompts_answered")
    found = list(spec.compute(family.authority.pk, period.start, period.end))
    assert {(c["service_id"], c["team_id"]) for c in found} == {
        (family.early_help.pk, family.central.pk)
    }
    assert {c["area_id"] for c in found} <= {family.child.area_id, family.toddler.area_id}


def test_another_period_counts_nothing(family, answered):
    last_year = period_of(timezone.localdate() - datetime.timedelta(days=400), "quarter")
    assert _totals("mecc_prompts_answered", family.authority.pk, last_year) == (0, 0)


def test_figures_per_prompt(family, answered):
    period = period_of(timezone.localdate(), "quarter")
    figures = {f.code: f for f in prompt_figures(family.authority.pk, period.start, period.end)}
    assert figures["funded-childcare"].offered == 2
    assert figures["funded-childcare"].answered == 2
    assert figures["funded-childcare"].answers == {"declined": 1, "signposted": 1}
    assert figures["smoking"].offered == 1 and figures["smoking"].answers == {"referred": 1}
    assert figures["dentist"].answered == 0
    assert figures["smoking"].question == "Does anyone in the household smoke?"


def test_the_drill_down_gives_the_people_behind_the_answers(family, answered):
    period = period_of(timezone.localdate(), "quarter")
    spec = registry.get("mecc_prompts_answered")
    assert spec.people is not None and spec.records is not None
    people = set(spec.people(family.authority.pk, period.start, period.end))
    assert people == {family.child, family.toddler}


def test_what_practitioners_learn_counts_the_latest_answer_per_person(family):
    today = timezone.localdate()
    period = period_of(today, "quarter")
    earlier = max(period.start, today - datetime.timedelta(days=1))
    # Tom's household: smoking at the first contact, smoke-free at the latest (counts once, free).
    record(family, contact_on=earlier, household_smoking="indoors", parent_work="seeking")
    record(family, household_smoking="no_one")
    # Jane: in training; Mia: no answer on smoking (not asked is not counted).
    record(family, person=family.mother, seen=[family.mother], parent_work="training",
           postnatal_mood="diagnosed")  # fmt: skip
    record(family, person=family.toddler, seen=[family.toddler])
    authority_id = family.authority.pk
    assert _totals("smoke_free_homes", authority_id, period) == (1, 1)
    # Tom's latest work answer is the earlier 'seeking' (the later contact did not ask).
    assert _totals("parents_in_work_or_training", authority_id, period) == (1, 2)
    assert _totals("postnatal_depression_treated", authority_id, period) == (0, 1)


def test_an_answer_not_on_the_list_names_its_field(family):
    with pytest.raises(ValidationError) as error:
        record(family, household_smoking="sometimes")
    assert "household_smoking" in error.value.message_dict
