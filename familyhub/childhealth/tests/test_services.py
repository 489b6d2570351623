"""The schedule's reaction to each change, recording reviews, alerts, measurements."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from familyhub.accounts.roles import Role
from familyhub.childhealth import services
from familyhub.childhealth.hooks import refresh_schedule_after_merge
from familyhub.childhealth.models import (
    Alert,
    AlertKind,
    DueStatus,
    Measurement,
    Review,
    ReviewDue,
)
from familyhub.childhealth.schedule import ReviewKind
from familyhub.childhealth.tests.conftest import TODAY
from familyhub.people.models import Person
from familyhub.testing import factories as shared

pytestmark = pytest.mark.django_db


def rows(person):
    return {
        r.kind: r
        for r in ReviewDue.objects.filter(person=person).exclude(
            status_reason__startswith="Duplicate"
        )
    }


def test_newborn_gets_health_visiting_reviews(make_child, hv_service):
    child = make_child(date_of_birth=TODAY - timedelta(days=3))
    services.schedule_refresh(child, today=TODAY)
    found = rows(child)
    assert set(found) == {
        ReviewKind.NEW_BIRTH,
        ReviewKind.SIX_EIGHT_WEEK,
        ReviewKind.TWELVE_MONTH,
        ReviewKind.TWO_YEAR,
    }
    assert found[ReviewKind.NEW_BIRTH].owning_service == hv_service
    assert found[ReviewKind.NEW_BIRTH].category == "health"
    # Refreshing again adds nothing.
    services.schedule_refresh(child, today=TODAY)
    assert ReviewDue.objects.filter(person=child).count() == 4


def test_pregnancy_then_birth(make_child):
    child = make_child(
        date_of_birth=None, is_unborn=True, expected_date_of_delivery=TODAY + timedelta(days=40)
    )
    services.schedule_refresh(child, today=TODAY)
    found = rows(child)
    assert found[ReviewKind.ANTENATAL].status == DueStatus.DUE
    assert found[ReviewKind.NEW_BIRTH].provisional
    # Born ten days early.
    born = TODAY + timedelta(days=30)
    Person.objects.filter(pk=child.pk).update(is_unborn=False, date_of_birth=born)
    services.schedule_refresh(child, today=TODAY)
    found = rows(child)
    assert not found[ReviewKind.NEW_BIRTH].provisional
    assert found[ReviewKind.NEW_BIRTH].window_start == born + timedelta(days=10)
    assert found[ReviewKind.ANTENATAL].window_end == born - timedelta(days=1)


def test_very_premature_birth_cancels_antenatal(make_child):
    edd = TODAY + timedelta(weeks=14)
    child = make_child(date_of_birth=None, is_unborn=True, expected_date_of_delivery=edd)
    services.schedule_refresh(child, today=TODAY)
    Person.objects.filter(pk=child.pk).update(
        is_unborn=False, date_of_birth=TODAY - timedelta(days=1)
    )
    services.schedule_refresh(child, today=TODAY)
    antenatal = ReviewDue.objects.get(person=child, kind=ReviewKind.ANTENATAL)
    assert antenatal.status == DueStatus.CANCELLED


def test_change_of_date_of_birth_moves_windows(make_child):
    child = make_child(date_of_birth=TODAY - timedelta(days=3))
    services.schedule_refresh(child, today=TODAY)
    Person.objects.filter(pk=child.pk).update(date_of_birth=TODAY - timedelta(days=5))
    services.schedule_refresh(child, today=TODAY)
    assert rows(child)[ReviewKind.NEW_BIRTH].window_start == TODAY + timedelta(days=5)


def test_death_cancels_open_reviews_but_keeps_recorded(make_child, owner):
    child = make_child(date_of_birth=TODAY - timedelta(days=12))
    services.schedule_refresh(child, today=TODAY)
    nbv = rows(child)[ReviewKind.NEW_BIRTH]
    services.review_record(due=nbv, by=owner, done_on=TODAY, place="home", outcome="completed")
    Person.objects.filter(pk=child.pk).update(date_of_death=TODAY)
    services.schedule_refresh(child, today=TODAY)
    found = rows(child)
    assert found[ReviewKind.NEW_BIRTH].status == DueStatus.COMPLETED
    assert found[ReviewKind.SIX_EIGHT_WEEK].status == DueStatus.CANCELLED


def test_move_out_marks_transferred_and_move_back_restores(make_child, authority):
    child = make_child(date_of_birth=TODAY - timedelta(days=3))
    services.schedule_refresh(child, today=TODAY)
    elsewhere = shared.AreaFactory(
        authority=shared.AuthorityFactory(code="E99999999", name="Other")
    )
    ward = child.area
    Person.objects.filter(pk=child.pk).update(area=elsewhere)
    services.schedule_refresh(child, today=TODAY)
    assert {r.status for r in rows(child).values()} == {DueStatus.MOVED}
    Person.objects.filter(pk=child.pk).update(area=None)
    services.schedule_refresh(child, today=TODAY)
    assert {r.status for r in rows(child).values()} == {DueStatus.MOVED}
    Person.objects.filter(pk=child.pk).update(area=ward)
    services.schedule_refresh(child, today=TODAY)
    assert {r.status for r in rows(child).values()} == {DueStatus.DUE}


def test_merge_keeps_recorded_review_and_cancels_duplicate(make_child, owner):
    survivor = make_child(date_of_birth=TODAY - timedelta(days=12))
    duplicate = make_child(date_of_birth=TODAY - timedelta(days=12))
    services.schedule_refresh(survivor, today=TODAY)
    services.schedule_refresh(duplicate, today=TODAY)
    dup_nbv = rows(duplicate)[ReviewKind.NEW_BIRTH]
    services.review_record(
        due=dup_nbv, by=owner, done_on=TODAY, place="clinic", outcome="completed"
    )
    # What people.merging does: move every reference, then call the hook.
    ReviewDue.objects.filter(person=duplicate).update(person=survivor)
    Person.objects.filter(pk=duplicate.pk).update(merged_into=survivor)
    refresh_schedule_after_merge(survivor=survivor, duplicate=duplicate)
    open_nbv = ReviewDue.objects.filter(person=survivor, kind=ReviewKind.NEW_BIRTH).exclude(
        status=DueStatus.CANCELLED
    )
    assert [r.pk for r in open_nbv] == [dup_nbv.pk]
    assert (
        ReviewDue.objects.filter(
            person=survivor, kind=ReviewKind.NEW_BIRTH, status=DueStatus.CANCELLED
        ).count()
        == 1
    )


def test_real_merge_runs_the_hook(make_child, owner):
    from django.utils import timezone

    from familyhub.people.merging import person_merge

    born = timezone.localdate() - timedelta(days=12)
    survivor = make_child(date_of_birth=born)
    duplicate = make_child(date_of_birth=born)
    services.schedule_refresh(survivor)
    services.schedule_refresh(duplicate)
    person_merge(survivor=survivor, duplicate=duplicate, by=owner, reason="Same baby")
    for kind in (ReviewKind.NEW_BIRTH, ReviewKind.SIX_EIGHT_WEEK):
        live = ReviewDue.objects.filter(person=survivor, kind=kind, status=DueStatus.DUE)
        assert live.count() == 1


def test_school_age_child_gets_school_nursing_reviews(make_child, sn_service):
    child = make_child(date_of_birth=date(2020, 11, 3))
    services.schedule_refresh(child, today=TODAY)
    found = rows(child)
    assert found[ReviewKind.RECEPTION].window_start == date(2025, 9, 1)
    assert found[ReviewKind.NCMP_RECEPTION].owning_service == sn_service
    assert ReviewKind.NEW_BIRTH not in found  # history, not added


def _due(make_child, kind, born):
    child = make_child(date_of_birth=born)
    services.schedule_refresh(child, today=TODAY)
    return rows(child)[kind]


def test_epds_at_cutoff_raises_alert_and_below_does_not(make_child, owner, settings):
    due = _due(make_child, ReviewKind.SIX_EIGHT_WEEK, TODAY - timedelta(weeks=7))
    services.review_record(
        due=due,
        by=owner,
        done_on=TODAY,
        place="home",
        outcome="completed",
        whooley_low_mood=True,
        epds_total=13,
        epds_self_harm=0,
    )
    assert list(Alert.objects.values_list("kind", flat=True)) == [AlertKind.EPDS]
    settings.FAMILYHUB_EPDS_CUTOFF = 14
    due2 = _due(make_child, ReviewKind.SIX_EIGHT_WEEK, TODAY - timedelta(weeks=7))
    services.review_record(
        due=due2, by=owner, done_on=TODAY, place="home", outcome="completed", epds_total=13
    )
    assert Alert.objects.count() == 1


def test_any_self_harm_answer_raises_alert(make_child, owner):
    due = _due(make_child, ReviewKind.SIX_EIGHT_WEEK, TODAY - timedelta(weeks=7))
    services.review_record(
        due=due,
        by=owner,
        done_on=TODAY,
        place="home",
        outcome="completed",
        epds_total=5,
        epds_self_harm=1,
    )
    assert list(Alert.objects.values_list("kind", flat=True)) == [AlertKind.SELF_HARM]


def test_review_recorded_once_only(make_child, owner, colleague):
    due = _due(make_child, ReviewKind.NEW_BIRTH, TODAY - timedelta(days=11))
    services.review_record(due=due, by=owner, done_on=TODAY, place="home", outcome="completed")
    with pytest.raises(ValidationError) as error:
        services.review_record(
            due=due, by=colleague, done_on=TODAY, place="home", outcome="completed"
        )
    assert "outcome" in error.value.message_dict
    assert Review.objects.count() == 1


def test_delegated_review_needs_accountable_health_visitor(make_child, make_user, hv_team, owner):
    nurse = make_user(Role.HEALTH_VISITOR, team=hv_team, username="nn", job_title="Nursery nurse")
    due = _due(make_child, ReviewKind.TWELVE_MONTH, TODAY - timedelta(days=300))
    with pytest.raises(ValidationError) as error:
        services.review_record(
            due=due,
            by=nurse,
            done_on=TODAY,
            place="family_hub",
            outcome="completed",
            delegated=True,
        )
    assert "accountable" in error.value.message_dict
    review = services.review_record(
        due=due,
        by=nurse,
        done_on=TODAY,
        place="family_hub",
        outcome="completed",
        delegated=True,
        accountable=owner,
    )
    assert review.accountable == owner


def test_asq_scores_banded_at_two_year_review(make_child, owner):
    due = _due(make_child, ReviewKind.TWO_YEAR, TODAY - timedelta(days=790))
    review = services.review_record(
        due=due,
        by=owner,
        done_on=TODAY,
        place="clinic",
        outcome="completed",
        asq_scores={
            "communication": 20,
            "gross_motor": 60,
            "fine_motor": 40,
            "problem_solving": 35,
            "personal_social": 50,
        },
    )
    bands = {r.domain: r.band for r in review.asq_results.all()}
    assert review.asq_used and review.asq_questionnaire in (24, 27, 30)
    assert bands["communication"] == "below"
    assert bands["gross_motor"] == "on_schedule"


def test_asq_scores_out_of_range_name_the_field(make_child, owner):
    due = _due(make_child, ReviewKind.TWO_YEAR, TODAY - timedelta(days=790))
    with pytest.raises(ValidationError) as error:
        services.review_record(
            due=due,
            by=owner,
            done_on=TODAY,
            place="clinic",
            outcome="completed",
            asq_scores={
                "communication": 61,
                "gross_motor": 60,
                "fine_motor": 40,
                "problem_solving": 35,
                "personal_social": 50,
            },
        )
    assert "asq_communication" in error.value.message_dict
    assert Review.objects.count() == 0


def test_safeguarding_concern_records_flag_and_alert(make_child, owner):
    due = _due(make_child, ReviewKind.NEW_BIRTH, TODAY - timedelta(days=11))
    review = services.review_record(
        due=due,
        by=owner,
        done_on=TODAY,
        place="home",
        outcome="completed",
        safeguarding_concern=True,
    )
    assert review.safeguarding_concern
    assert Alert.objects.filter(kind=AlertKind.SAFEGUARDING).exists()


def test_measurement_over_clinical_threshold_offers_weight_management(make_child, owner):
    child = make_child(date_of_birth=date(2020, 1, 10), sex="M")
    m = services.measurement_record(
        person=child,
        by=owner,
        measured_on=date(2025, 1, 10),
        height_cm=110,
        weight_kg=26,
        context="ncmp_reception",
    )
    assert m.reference == "UK90"
    assert m.clinical_category == "obese"
    assert Alert.objects.filter(person=child, kind=AlertKind.WEIGHT).exists()


def test_implausible_measurement_names_field_and_saves_nothing(make_child, owner):
    child = make_child(date_of_birth=date(2020, 1, 10), sex="F")
    for height, weight, field in (
        (11.0, 19, "height_cm"),
        (110, 1.9, "weight_kg"),
        (110, 150, "weight_kg"),
    ):
        with pytest.raises(ValidationError) as error:
            services.measurement_record(
                person=child,
                by=owner,
                measured_on=date(2025, 1, 10),
                height_cm=height,
                weight_kg=weight,
            )
        assert field in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.measurement_record(
            person=make_child(date_of_birth=date(2000, 1, 1)),
            by=owner,
            measured_on=date(2025, 1, 10),
            height_cm=170,
            weight_kg=60,
        )
    assert "measured_on" in error.value.message_dict  # 25: outside the reference
    assert Measurement.objects.count() == 0


def test_unmerge_gives_each_child_their_schedule_back(make_child, owner):
    from django.utils import timezone

    from familyhub.people.merging import person_merge, person_unmerge

    born = timezone.localdate() - timedelta(days=12)
    survivor = make_child(date_of_birth=born)
    duplicate = make_child(date_of_birth=born)
    services.schedule_refresh(survivor)
    services.schedule_refresh(duplicate)
    merge = person_merge(survivor=survivor, duplicate=duplicate, by=owner, reason="Same baby")
    person_unmerge(merge=merge, by=owner, reason="Twins, not one baby")
    for person in (survivor, duplicate):
        live = ReviewDue.objects.filter(
            person=person, kind=ReviewKind.NEW_BIRTH, status=DueStatus.DUE
        )
        assert live.count() == 1


def test_refresh_schedules_command_adds_new_children(make_child):
    import io

    from django.core.management import call_command
    from django.utils import timezone

    child = make_child(date_of_birth=timezone.localdate() - timedelta(days=2))
    out = io.StringIO()
    call_command("refresh_schedules", stdout=out)
    assert "schedules refreshed" in out.getvalue()
    assert ReviewDue.objects.filter(person=child, kind=ReviewKind.NEW_BIRTH).exists()


def test_asq_cutoffs_come_from_settings(settings):
    from familyhub.childhealth import asq

    assert asq.band(questionnaire=24, domain="communication", score=20) == "below"
    settings.FAMILYHUB_ASQ3_CUTOFFS = {
        24: dict.fromkeys(asq.AsqDomain.values, (10.0, 20.0)),
    }
    assert asq.band(questionnaire=24, domain="communication", score=20) == "monitor"
    assert asq.band(questionnaire=24, domain="communication", score=21) == "on_schedule"
    assert asq.questionnaire_for_age(25) == 24 and asq.questionnaire_for_age(29) == 30


def test_alerts_panel_selector_respects_access(make_child, owner, outsider):
    from familyhub.childhealth.selectors import open_alerts_for_viewer

    due = _due(make_child, ReviewKind.SIX_EIGHT_WEEK, TODAY - timedelta(weeks=7))
    services.review_record(
        due=due, by=owner, done_on=TODAY, place="home", outcome="completed", epds_total=20
    )
    assert open_alerts_for_viewer(owner, due.person).count() == 1
    assert open_alerts_for_viewer(outsider, due.person).count() == 0


# --- growth: weight, length or height, head circumference -------------------------------------


def _measure(child, by, **values):
    values.setdefault("measured_on", TODAY)
    return services.measurement_record(person=child, by=by, **values)


def test_three_week_old_at_45_kg_is_refused_naming_the_field_and_nothing_is_saved(
    make_child, owner
):
    baby = make_child(date_of_birth=TODAY - timedelta(days=21), sex="F")
    with pytest.raises(ValidationError) as error:
        _measure(baby, owner, weight_kg=45)
    message = error.value.message_dict["weight_kg"][0]
    assert message.startswith("Weight of 45 kg is not plausible for a 3 week old baby")
    assert "units (kilograms)" in message
    assert Measurement.objects.count() == 0


def test_ten_year_old_at_35_kg_and_140_cm_is_recorded_with_every_centile(make_child, owner):
    child = make_child(date_of_birth=date(2015, 3, 1), sex="M")
    m = _measure(child, owner, weight_kg=35, height_cm=140, measured_on=date(2025, 6, 2))
    assert m.height_position == "standing" and m.height_label == "Height"
    assert m.weight_sds is not None and m.height_sds is not None
    assert m.reference == "UK90" and m.population_category == "healthy"
    assert m.weight_centile.startswith(("on the", "between the"))
    assert not m.unusual_confirmed


def test_baby_gets_length_weight_and_head_circumference_centiles(make_child, owner, hv_service):
    baby = make_child(date_of_birth=TODAY - timedelta(weeks=6), sex="F")
    m = _measure(baby, owner, weight_kg="4.65", height_cm="55.5", head_circumference_cm="37.5")
    assert m.height_position == "lying" and m.height_label == "Length"
    assert m.weight_kg == Decimal("4.650") and m.head_circumference_cm == Decimal("37.5")
    for z in (m.weight_sds, m.height_sds, m.head_circumference_sds):
        assert z is not None and -2 < z < 2
    assert m.bmi is None and m.centile is None  # BMI centiles begin at 2 years
    assert m.owning_service == hv_service
    summary = m.timeline_summary()
    assert summary.startswith("Weight 4.65 kg, ")
    assert "Length 55.5 cm, " in summary and "Head circumference 37.5 cm, " in summary


def test_weight_alone_can_be_recorded_at_the_new_birth_visit(make_child, owner):
    baby = make_child(date_of_birth=TODAY - timedelta(days=11), sex="M")
    m = _measure(baby, owner, weight_kg="3.455")
    assert m.height_cm is None and m.height_position == ""
    assert m.weight_kg == Decimal("3.455")
    assert m.timeline_summary().startswith("Weight 3.455 kg, ")


def test_nothing_measured_is_refused(make_child, owner):
    baby = make_child(date_of_birth=TODAY - timedelta(days=30), sex="M")
    with pytest.raises(ValidationError) as error:
        _measure(baby, owner)
    assert "Enter at least one measurement" in error.value.message_dict["weight_kg"][0]


@pytest.mark.parametrize("field", ["weight_kg", "height_cm", "head_circumference_cm"])
def test_zero_or_negative_is_refused_naming_the_field(make_child, owner, field):
    baby = make_child(date_of_birth=TODAY - timedelta(days=30), sex="M")
    for value in (0, -1):
        with pytest.raises(ValidationError) as error:
            _measure(baby, owner, **{field: value})
        assert "must be more than 0" in error.value.message_dict[field][0]
    assert Measurement.objects.count() == 0


def test_ncmp_measurement_needs_height_and_weight(make_child, owner):
    child = make_child(date_of_birth=date(2020, 1, 10), sex="F")
    with pytest.raises(ValidationError) as error:
        _measure(
            child, owner, weight_kg=19, context="ncmp_reception", measured_on=date(2025, 1, 10)
        )
    assert "the NCMP needs both height and weight" in error.value.message_dict["height_cm"][0]


def test_very_unusual_value_is_saved_only_once_confirmed(make_child, owner):
    # 70 cm at 2 years is about -5.6 SDS: possible (achondroplasia), so checked, not refused.
    toddler = make_child(date_of_birth=TODAY - timedelta(days=732), sex="M")
    with pytest.raises(ValidationError) as error:
        _measure(toddler, owner, height_cm=70, weight_kg=9.5)
    assert services.needs_confirming(error.value)
    assert "very unusual" in error.value.message_dict["height_cm"][0]
    assert Measurement.objects.count() == 0
    m = _measure(toddler, owner, height_cm=70, weight_kg=9.5, confirm_unusual=True)
    assert m.unusual_confirmed and m.height_sds < -4


def test_implausible_values_cannot_be_confirmed_past(make_child, owner):
    baby = make_child(date_of_birth=TODAY - timedelta(days=21), sex="F")
    with pytest.raises(ValidationError) as error:
        _measure(baby, owner, weight_kg=45, confirm_unusual=True)
    assert not services.needs_confirming(error.value)
    assert Measurement.objects.count() == 0


def test_preterm_babys_centiles_use_the_age_corrected_from_the_expected_date(make_child, owner):
    born = TODAY - timedelta(weeks=10)
    baby = make_child(
        date_of_birth=born, expected_date_of_delivery=born + timedelta(weeks=8), sex="F"
    )
    term = make_child(date_of_birth=born, sex="F")
    preterm_m = _measure(baby, owner, weight_kg=3.9)
    term_m = _measure(term, owner, weight_kg=3.9)
    assert preterm_m.gestation_days == 32 * 7
    assert preterm_m.age_years == pytest.approx(2 / 52.18, abs=0.01)
    # 3.9 kg is small for 10 weeks but about average 2 weeks after term.
    assert term_m.weight_sds < -2 < preterm_m.weight_sds


def test_correcting_the_date_of_birth_works_the_centiles_out_again(make_child, owner):
    from familyhub.people.services import person_update

    baby = make_child(date_of_birth=TODAY - timedelta(weeks=6), sex="F")
    m = _measure(baby, owner, weight_kg=5.0)
    before = m.weight_sds
    baby.refresh_from_db()
    person_update(
        person=baby,
        by=owner,
        expected_version=baby.version,
        date_of_birth=TODAY - timedelta(weeks=14),
    )
    m.refresh_from_db()
    assert m.weight_sds < before  # the same 5 kg is lighter for an older baby
    assert m.weight_kg == Decimal("5.000")


def test_a_date_of_birth_moved_after_the_measurement_keeps_the_value_without_centiles(
    make_child, owner
):
    baby = make_child(date_of_birth=TODAY - timedelta(weeks=6), sex="F")
    m = _measure(baby, owner, weight_kg=5.0, measured_on=TODAY - timedelta(weeks=1))
    Person.objects.filter(pk=baby.pk).update(date_of_birth=TODAY)
    baby.refresh_from_db()
    assert services.measurements_recompute(baby) == 1
    m.refresh_from_db()
    assert m.weight_kg == Decimal("5.000") and m.weight_sds is None


def test_backfill_gives_old_rows_weight_and_height_centiles(make_child, hv_service):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "familyhub.childhealth.migrations.0003_measurement_backfill_weight_height_centiles"
    )
    child = make_child(date_of_birth=date(2020, 1, 10), sex="F")
    old = Measurement.objects.create(
        person=child,
        owning_service=hv_service,
        measured_on=date(2025, 1, 10),
        height_cm=110,
        weight_kg=19,
        bmi=15.7,
        reference="UK90",
        z_score=0.1,
        centile=54,
        population_category="healthy",
    )
    migration.backfill(apps, None)
    old.refresh_from_db()
    assert old.height_position == "standing"
    assert old.weight_sds is not None and old.height_sds is not None
    assert old.age_years == pytest.approx(5.0, abs=0.01)
    assert (old.bmi, old.z_score, old.centile) == (15.7, 0.1, 54)  # kept as they were


def test_recording_a_measurement_writes_its_access_log_entry(make_child, owner):
    from familyhub.audit.models import AccessLog

    baby = make_child(date_of_birth=TODAY - timedelta(days=11), sex="M")
    m = _measure(baby, owner, weight_kg="3.5")
    entry = AccessLog.objects.get(person_pk=baby.pk, action="create")
    assert entry.purpose == "Record growth measurements" and entry.detail == str(m.public_id)
