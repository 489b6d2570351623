"""The synthetic population: determinism, valid identifiers, labelled duplicates, households."""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict

import pytest
from django.core.management import call_command

from familyhub.demo import synth
from familyhub.people.identifiers import is_valid_nhs_number
from familyhub.people.models import (
    Household,
    HouseholdMembership,
    Person,
    Relationship,
    RelationshipKind,
)
from familyhub.testing.factories import AreaFactory, PersonFactory, PostcodeAreaFactory

N = 2000


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def population() -> list[synth.PersonRecord]:
    return list(synth.generate_population(N, seed=7))


@pytest.fixture(scope="module")
def text() -> str:
    return synth.csv_text(N, seed=7)


def test_same_seed_gives_the_same_file_byte_for_byte(text):
    assert synth.csv_text(N, seed=7) == text


def test_a_different_seed_gives_different_people(text):
    assert synth.csv_text(N, seed=8) != text


def test_the_file_has_exactly_the_agreed_columns_and_n_rows(text):
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    assert header == [
        "id", "first_name", "surname", "dob", "sex", "address_line1",
        "postcode", "town", "nhs_number", "true_person_id",
    ]  # fmt: skip
    rows = list(reader)
    assert len(rows) == N
    assert [int(row[0]) for row in rows] == list(range(1, N + 1))
    for row in rows[:50]:
        datetime.date.fromisoformat(row[3])


def test_every_nhs_number_passes_mod_11_and_real_people_never_share_one(text):
    rows = _rows(text)
    numbers = [row["nhs_number"] for row in rows if row["nhs_number"]]
    assert all(is_valid_nhs_number(number) for number in numbers)
    real = [row["nhs_number"] for row in rows if row["nhs_number"] and not row["true_person_id"]]
    assert len(real) == len(set(real))
    assert len(numbers) < len(rows), "some people have no NHS number"


def test_each_duplicate_names_a_real_person_and_differs_from_them(text):
    rows = _rows(text)
    by_id = {row["id"]: row for row in rows}
    duplicates = [row for row in rows if row["true_person_id"]]
    assert len(duplicates) == round(N * 0.05)
    fields = ["first_name", "surname", "dob", "sex", "address_line1", "postcode", "nhs_number"]
    for dup in duplicates:
        true = by_id[dup["true_person_id"]]
        assert not true["true_person_id"], "a duplicate points at a real person"
        assert int(true["id"]) < int(dup["id"])
        assert any(dup[name] != true[name] for name in fields)


def test_duplicates_cover_every_kind_of_difference(population):
    kinds = {kind for record in population for kind in record.changes}
    assert kinds >= {
        "typo_first", "typo_surname", "nickname", "day_month_swap",
        "moved", "missing", "changed_surname",
    }  # fmt: skip


def test_no_duplicates_when_the_rate_is_zero():
    rows = _rows(synth.csv_text(300, seed=1, duplicate_rate=0))
    assert len(rows) == 300
    assert not any(row["true_person_id"] for row in rows)


def _households(population):
    households = {}
    for record in population:
        if record.household is not None:
            households[record.household.id] = record.household
    return list(households.values())


def test_children_are_0_to_19_and_younger_than_their_parents(population):
    as_of = synth.DEFAULT_AS_OF
    for household in _households(population):
        parents = [m for m in household.members if m.role != "child"]
        children = [m for m in household.members if m.role == "child"]
        assert 1 <= len(parents) <= 2
        assert all(m.address_line1 == household.address_line1 for m in household.members)
        for child in children:
            assert child.dob <= as_of
            assert (as_of - child.dob).days < 20 * 366
            for parent in parents:
                assert (child.dob - parent.dob).days > 15 * 365


def test_twins_share_a_date_of_birth_and_a_household_but_not_a_name(population):
    twins = []
    for household in _households(population):
        by_dob = defaultdict(list)
        for child in (m for m in household.members if m.role == "child"):
            by_dob[child.dob].append(child)
        twins += [group for group in by_dob.values() if len(group) > 1]
    assert twins, "a population this size has twins"
    for group in twins:
        assert len({child.first_name for child in group}) == len(group)
        assert len({child.household.id for child in group}) == 1


def test_some_sons_share_their_fathers_name(population):
    pairs = [
        (parent, child)
        for household in _households(population)
        for parent in household.members
        if parent.role == "father"
        for child in household.members
        if child.role == "child" and child.first_name == parent.first_name
    ]
    assert pairs


def test_lone_and_teenage_parents_exist_and_needs_rise_with_deprivation(population):
    households = _households(population)
    assert any(h.lone_parent for h in households)
    assert any(h.teenage_parent for h in households)
    assert all(
        len([m for m in h.members if m.role != "child"]) == 1 for h in households if h.lone_parent
    )
    deprivation = {area.code: area.deprivation for area in synth.builtin_areas()}
    most = [h.needs_count for h in households if deprivation[h.area_code] >= 0.5]
    least = [h.needs_count for h in households if deprivation[h.area_code] < 0.5]
    assert sum(most) / len(most) > sum(least) / len(least)


def test_builtin_areas_are_the_demo_borough_wards():
    areas = synth.builtin_areas()
    assert len(areas) == 19
    assert all(40 <= len(area.postcodes) <= 120 for area in areas)


@pytest.mark.django_db
def test_the_command_writes_a_file_and_truth_pairs(tmp_path):
    out, truth = tmp_path / "people.csv", tmp_path / "truth.csv"
    call_command(
        "synth", people=300, seed=2, out=str(out), truth_out=str(truth), stdout=io.StringIO()
    )
    rows = _rows(out.read_text())
    assert len(rows) == 300
    pairs = _rows(truth.read_text())
    expected = [(r["id"], r["true_person_id"]) for r in rows if r["true_person_id"]]
    assert [(p["person_id"], p["true_person_id"]) for p in pairs] == expected


@pytest.mark.django_db
def test_fill_database_makes_people_households_memberships_and_relationships(authority):
    wards = [AreaFactory(authority=authority, imd_rank=rank) for rank in (1, 5, 9)]
    for ward in wards:
        for _ in range(5):
            PostcodeAreaFactory(authority=authority, area=ward)
    existing = PersonFactory(authority=authority)

    stats = synth.fill_database(400, authority=authority, seed=3)

    assert Person.objects.count() == 401
    assert stats.people == 400 and stats.duplicates == 20
    assert Household.objects.count() == stats.households > 50
    assert HouseholdMembership.objects.count() == 380
    assert Relationship.objects.count() == stats.relationships
    mother = Relationship.objects.filter(kind=RelationshipKind.MOTHER).first()
    assert mother is not None and mother.parental_responsibility
    assert mother.person.date_of_birth < mother.relative.date_of_birth
    assert Relationship.objects.filter(kind=RelationshipKind.SIBLING).exists()
    # Every real person lives in one of the wards, at a postcode in its lookup.
    real = Person.objects.exclude(pk=existing.pk).filter(household_memberships__isnull=False)
    assert set(real.values_list("area_id", flat=True)) <= {w.pk for w in wards}
    # The truth names separate Person rows, and duplicates belong to no household.
    assert len(stats.truth) == 20
    for duplicate_pk, true_pk in stats.truth:
        assert duplicate_pk != true_pk
        assert not HouseholdMembership.objects.filter(person_id=duplicate_pk).exists()
        assert HouseholdMembership.objects.filter(person_id=true_pk).exists()
    # The key sequences moved on: an ordinary insert afterwards does not collide.
    later = PersonFactory(authority=authority)
    assert later.pk > max(pk for pk, _ in stats.truth)
    Household.objects.create(authority=authority, card_number="LATER1")


@pytest.mark.django_db
def test_the_command_fills_the_database_and_writes_the_truth(authority, tmp_path):
    truth = tmp_path / "truth.csv"
    call_command(
        "synth",
        people=100,
        seed=1,
        truth_out=str(truth),
        skip_match_keys=True,
        stdout=io.StringIO(),
    )
    assert Person.objects.count() == 100
    pairs = _rows(truth.read_text())
    assert len(pairs) == 5
    assert Person.objects.filter(pk__in=[int(p["true_person_id"]) for p in pairs]).count() == 5


@pytest.mark.django_db
def test_fill_database_keeps_each_households_needs_for_the_demo_loaders(authority):
    stats = synth.fill_database(300, authority=authority, seed=4)
    assert synth.last_fill is stats
    assert stats.needs_by_household
    assert set(stats.needs_by_household) <= set(Household.objects.values_list("pk", flat=True))
    known = {synth.LONE_PARENT, synth.TEENAGE_PARENT, *synth.HEADLINE_NEED}
    assert all(set(needs) <= known for needs in stats.needs_by_household.values())


def test_headline_needs_are_supporting_families_outcome_areas(population):
    areas = {n for r in population if r.household for n in r.household.headline_needs}
    assert areas and areas <= {
        "financial", "domestic_abuse", "housing", "health", "substance_use",
        "education", "early_years",
    }  # fmt: skip
