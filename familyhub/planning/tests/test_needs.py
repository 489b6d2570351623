"""The need score and its explanation; the record adapters when other parts are absent."""

from __future__ import annotations

import pytest

from familyhub.planning import adapters
from familyhub.planning.needs import score_areas
from familyhub.testing import factories
from familyhub.testing.factories import RegistrationFactory


def test_score_is_a_weighted_average_and_explained():
    rows = [
        {"name": "A", "locality": "L", "idaci": 1, "child_poverty": 0.3},
        {"name": "B", "locality": "L", "idaci": 2, "child_poverty": 0.15},
    ]
    weights = dict.fromkeys(
        ("imd", "under_fives", "excess_weight_reception", "open_episodes", "referrals"), 0
    )
    weights.update({"idaci": 1, "child_poverty": 3})
    result = score_areas(rows, weights)
    a, b = result["areas"]
    # A: idaci (2-1+1)/2 = 1, poverty 1 -> 100. B: idaci 0.5, poverty 0.5 -> 100 x (0.5 + 1.5)/4 = 50
    assert a["score"] == 100 and b["score"] == 50
    points = {c["key"]: c["points"] for c in b["components"]}
    assert points["idaci"] == 12.5 and points["child_poverty"] == 37.5
    assert a["rank"] == 1 and b["rank"] == 2


def test_measures_without_figures_drop_out_and_are_named():
    result = score_areas([{"name": "A", "idaci": 1}], {"referrals": 5})
    assert any("Referrals in the last year: no figures yet" in n for n in result["notes"])
    assert "referrals" not in result["active_measures"]


def test_bad_weights_are_refused():
    with pytest.raises(ValueError, match="no need measure called 'nonsense'"):
        score_areas([], {"nonsense": 1})
    with pytest.raises(ValueError, match="cannot be negative"):
        score_areas([], {"idaci": -1})


@pytest.mark.django_db
def test_registered_families_counted_by_area(authority):
    from django.utils import timezone

    area = factories.AreaFactory(authority=authority)
    household = factories.HouseholdFactory(authority=authority)
    for _ in range(2):
        person = factories.PersonFactory(authority=authority, area=area)
        factories.HouseholdMembershipFactory(household=household, person=person)
        RegistrationFactory(person=person, registered_at=timezone.now())
    counts = adapters.registered_families_by_area(authority.pk)
    assert counts == {area.pk: 1}
    assert adapters.registered_families_total(authority.pk) == 1


@pytest.mark.django_db
def test_a_field_that_is_not_there_fails_loudly_rather_than_counting_everything(authority):
    """The counts name their fields: a rename is an error, never a count of every row."""
    from django.core.exceptions import FieldError

    from familyhub.places.models import Area

    with pytest.raises(FieldError):
        adapters._count_by_area(Area, authority.pk, adapters.Q(no_such_field=1))


@pytest.mark.django_db
def test_counts_from_the_other_parts_of_the_record(authority, borough):
    """Referrals, open episodes, reviews due and Reception obesity, as those parts store them."""
    import datetime

    from familyhub.casework.models import Episode as episode_model
    from familyhub.childhealth.models import Measurement as measurement_model
    from familyhub.childhealth.models import ReviewDue as due_model
    from familyhub.referrals.models import ContinuumLevel as level_model
    from familyhub.referrals.models import Referral as referral_model
    from familyhub.services.models import Team

    area = borough["areas"]["N1"]
    service = borough["service"]
    team = Team.objects.get(name="North team")
    now = timezone_now()
    level3 = level_model.objects.filter(level="3").first() or level_model.objects.create(
        level="3", name="Complex", rank=3
    )
    children = [factories.PersonFactory(authority=authority, area=area) for _ in range(3)]
    for child in children[:2]:
        referral_model.objects.create(
            person=child,
            owning_service=service,
            authority=authority,
            referrer_kind="school",
            referrer_name="A teacher",
            concerns="x",
            consent="agrees",
            decision_due_at=now,
            level=level3,
        )
    episode_model.objects.create(
        person=children[0], owning_service=service, authority=authority, team=team, status="open"
    )
    episode_model.objects.create(
        person=children[1],
        owning_service=service,
        authority=authority,
        team=team,
        status="closed",
        end=datetime.date.today(),
        closure_reason="Needs met",
    )
    today = datetime.date.today()
    due_model.objects.create(
        person=children[2],
        owning_service=service,
        authority=authority,
        kind="two_year",
        window_start=today - datetime.timedelta(days=3),
        window_end=today,
        late_until=today,
        status="due",
    )
    for child, category in ((children[0], "obese"), (children[1], "healthy")):
        measurement_model.objects.create(
            person=child,
            owning_service=service,
            measured_on=today,
            context="ncmp_reception",
            height_cm=110,
            weight_kg=25,
            bmi=20.7,
            reference="UK90",
            z_score=2.1,
            centile=98.2,
            population_category=category,
        )
    assert adapters.referrals_by_area(authority.pk) == {area.pk: 2}
    assert adapters.referrals_by_area_and_level(authority.pk) == {area.pk: {"3": 2}}
    assert adapters.open_episodes_by_area(authority.pk) == {area.pk: 1}
    assert adapters.reviews_due_by_area(authority.pk) == {area.pk: 1}
    assert adapters.obesity_reception_by_area(authority.pk) == {area.pk: 0.5}


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def test_a_measure_where_every_area_is_zero_is_not_counted():
    rows = [{"name": "A", "idaci": 1, "referrals": 0}, {"name": "B", "idaci": 2, "referrals": 0}]
    result = score_areas(rows, {"referrals": 1})
    assert "referrals" not in result["active_measures"]
    assert any("every area has 0" in n for n in result["notes"])
    assert result["areas"][0]["score"] == 100
