"""The registry collects each part's indicators from that part's own indicators.py."""

from __future__ import annotations

from familyhub.core import indicators as registry

# Frameworks link indicators by key, so the shipped keys never change.
SHIPPED = {
    "new_birth_visit_14_days": "familyhub.childhealth.indicators",
    "new_birth_visit_after_14_days": "familyhub.childhealth.indicators",
    "antenatal_contact": "familyhub.childhealth.indicators",
    "eyfsp_good_level_of_development": "familyhub.outcomes.eyfsp",
    "six_eight_week_by_8_weeks": "familyhub.childhealth.indicators",
    "breastfeeding_6_8_weeks": "familyhub.childhealth.indicators",
    "twelve_month_by_12_months": "familyhub.childhealth.indicators",
    "twelve_month_by_15_months": "familyhub.childhealth.indicators",
    "two_year_by_2_5_years": "familyhub.childhealth.indicators",
    "two_year_using_asq3": "familyhub.childhealth.indicators",
    "reception_obesity": "familyhub.childhealth.indicators",
    "closed_all_needs_achieved": "familyhub.casework.indicators",
    "re_referrals_12_months": "familyhub.casework.indicators",
    "registered_under_fives": "familyhub.hubs.indicators",
    "engaged_families": "familyhub.hubs.indicators",
    "parenting_course_completion": "familyhub.hubs.programmes",
    "parenting_scores_improved": "familyhub.hubs.programmes",
    "referrals_decided_in_time": "familyhub.referrals.indicators",
    "mecc_prompts_answered": "familyhub.contacts.indicators",
    "mecc_prompts_discussed": "familyhub.contacts.indicators",
    "mecc_prompts_signposted": "familyhub.contacts.indicators",
    "mecc_prompts_referred": "familyhub.contacts.indicators",
    "mecc_prompts_declined": "familyhub.contacts.indicators",
    "mecc_prompts_not_relevant": "familyhub.contacts.indicators",
    "smoke_free_homes": "familyhub.contacts.indicators",
    "parents_in_work_or_training": "familyhub.contacts.indicators",
    "postnatal_depression_treated": "familyhub.contacts.indicators",
    "fgdm_offers_made": "familyhub.familyhelp.indicators",
    "fgdm_offers_accepted": "familyhub.familyhelp.indicators",
    "fgdm_meetings_held": "familyhub.familyhelp.indicators",
    "fgdm_family_plans": "familyhub.familyhelp.indicators",
    "fgdm_days_referral_to_meeting": "familyhub.familyhelp.indicators",
    "smoking_at_delivery": "familyhub.outcomes.area_figures",
    "smoking_early_pregnancy": "familyhub.outcomes.area_figures",
    "under_18_conceptions": "familyhub.outcomes.area_figures",
    "maternity_smoking_at_delivery": "familyhub.outcomes.maternity",
    "maternity_quit_by_delivery": "familyhub.outcomes.maternity",
    **{
        f"signposts_{need}": "familyhub.directory.indicators"
        for need in [
            "babies_young_children",
            "feeding",
            "parenting",
            "health",
            "mental_health",
            "money",
            "work_learning",
            "housing",
            "domestic_abuse",
            "food",
            "send",
            "school",
            "activities",
        ]
    },
    **{
        f"need_achieved_{need}": "familyhub.casework.indicators"
        for need in [
            "education",
            "early_years",
            "health",
            "substance_use",
            "family_relationships",
            "child_safety",
            "crime",
            "domestic_abuse",
            "housing",
            "financial",
        ]
    },
}


def test_every_shipped_key_registers_from_its_part():
    found = {key: item.compute.__module__ for key, item in registry.all_registered().items()}
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


def test_ready_again_registers_nothing_twice():
    from django.apps import apps

    before = registry.all_registered()
    for config in apps.get_app_configs():
        config.ready()
    assert registry.all_registered() == before
