"""The registry collects each part's indicators from that part's own indicators.py."""

from __future__ import annotations

from familyhub.outcomes import registry

# Frameworks link indicators by key, so the shipped keys never change.
SHIPPED = {
    "new_birth_visit_14_days": "familyhub.outcomes.indicators.childhealth",
    "six_eight_week_by_8_weeks": "familyhub.outcomes.indicators.childhealth",
    "breastfeeding_6_8_weeks": "familyhub.outcomes.indicators.childhealth",
    "twelve_month_by_12_months": "familyhub.outcomes.indicators.childhealth",
    "twelve_month_by_15_months": "familyhub.outcomes.indicators.childhealth",
    "two_year_by_2_5_years": "familyhub.outcomes.indicators.childhealth",
    "two_year_using_asq3": "familyhub.outcomes.indicators.childhealth",
    "reception_obesity": "familyhub.outcomes.indicators.childhealth",
    "closed_all_needs_achieved": "familyhub.casework.indicators",
    "re_referrals_12_months": "familyhub.casework.indicators",
    "registered_under_fives": "familyhub.hubs.indicators",
    "engaged_families": "familyhub.hubs.indicators",
    "referrals_decided_in_time": "familyhub.referrals.indicators",
}


def test_every_shipped_key_registers_from_its_part():
    found = {key: item.compute.__module__ for key, item in registry.indicators().items()}
    assert found == SHIPPED


def test_the_review_indicators_keep_their_people_and_labels():
    reviews = [
        "new_birth_visit_14_days",
        "six_eight_week_by_8_weeks",
        "twelve_month_by_12_months",
        "twelve_month_by_15_months",
        "two_year_by_2_5_years",
    ]
    for key in reviews:
        item = registry.get(key)
        assert item is not None and item.people is not None, key
        assert item.part == "childhealth" and item.title and item.numerator_label, key
    nbv = registry.get("new_birth_visit_14_days")
    assert nbv is not None and nbv.target == 95.0 and nbv.period == "quarter"


def test_loading_again_registers_nothing_twice():
    before = registry.indicators()
    registry.load()
    assert registry.indicators() == before
