"""Matching quality on generated data: the hard cases of one household stay apart (twins,
siblings, a parent and child with one name) and real duplicates are found (typos, nicknames,
day and month swapped, moves)."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import numpy as np
import pytest

from familyhub.matching.batch import Engine, frame_from_csv, pairwise_metrics
from familyhub.matching.keys import refresh_keys
from familyhub.matching.search import search_candidates
from familyhub.people.models import Sex
from familyhub.testing import synthetic
from familyhub.testing.factories import PersonFactory

HOME = {"address_line1": "4 Elm Grove", "postcode": "RM17 5DQ", "town": "Grays"}
CASES = [
    # (id, first, surname, dob, sex, nhs, true person, where)
    (900001, "Amy", "Jones", "2016-03-14", "F", "", "twin-a", HOME),
    (900002, "Beth", "Jones", "2016-03-14", "F", "", "twin-b", HOME),
    (900003, "Tom", "Jones", "2012-07-01", "M", "", "sib-a", HOME),
    (900004, "Sam", "Jones", "2014-10-22", "M", "", "sib-b", HOME),
    (900005, "James", "Smith", "1984-04-02", "M", "", "dad", HOME),
    (900006, "James", "Smith", "2011-04-02", "M", "", "son", HOME),
    (900007, "Catherine", "Okafor", "2019-03-07", "F", "", "kate", HOME),
    (900008, "Kate", "Okafor", "2019-03-07", "F", "", "kate", HOME),
    (900009, "Jessica", "Brown", "2016-04-09", "F", "", "jess", HOME),
    (900010, "Jesica", "Brown", "2016-09-04", "F", "", "jess", HOME),
    (900011, "Oliver", "Patel", "2014-02-11", "M", "", "oli", HOME),
    (900012, "Oliver", "Patel", "2014-02-11", "M", "", "oli", {**HOME, "postcode": "SS1 2AB"}),
    (900013, "Daniel", "Evans", "2013-12-30", "M", "9434765919", "dan", HOME),
    (
        900014,
        "Danial",
        "Evens",
        "2013-12-30",
        "M",
        "9434765919",
        "dan",
        {**HOME, "postcode": "E3 4QQ"},
    ),
]
APART = [(900001, 900002), (900003, 900004), (900005, 900006), (900003, 900006)]
TOGETHER = [(900007, 900008), (900009, 900010), (900011, 900012), (900013, 900014)]


@pytest.fixture(scope="module")
def linked(tmp_path_factory) -> tuple[Engine, dict]:
    path: Path = tmp_path_factory.mktemp("quality") / "people.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=synthetic.COLUMNS)
        writer.writeheader()
        for row in synthetic.generate_rows(6000, seed=3):
            writer.writerow(row)
        for ident, first, surname, dob, sex, nhs, truth, where in CASES:
            writer.writerow(
                {
                    "id": ident,
                    "first_name": first,
                    "surname": surname,
                    "dob": dob,
                    "sex": sex,
                    "nhs_number": nhs,
                    "true_person_id": truth,
                    **where,
                }
            )
    frame = frame_from_csv(path, truth="true_person_id")
    engine = Engine(frame, threads=1)
    engine.block()
    engine.compare()
    parameters = engine.train()
    engine.score(parameters)
    labels = engine.cluster(parameters["threshold"])
    cluster = dict(zip(frame["id"].to_numpy(), labels, strict=True))
    metrics = pairwise_metrics(labels, frame["truth"].to_numpy())
    yield engine, {"cluster": cluster, "metrics": metrics}
    engine.close()


@pytest.mark.parametrize("pair", APART)
def test_household_members_stay_apart(linked, pair):
    _engine, found = linked
    a, b = pair
    assert found["cluster"][a] != found["cluster"][b]


@pytest.mark.parametrize("pair", TOGETHER)
def test_duplicates_are_found(linked, pair):
    _engine, found = linked
    a, b = pair
    assert found["cluster"][a] == found["cluster"][b]


def test_generated_register_scores_well(linked):
    _engine, found = linked
    assert found["metrics"]["f1"] >= 0.9
    assert found["metrics"]["precision"] >= 0.9


@pytest.mark.django_db
def test_search_tells_household_apart_with_default_weights(authority):
    people = {}
    for ident, first, surname, dob, sex, nhs, _truth, where in CASES[:6]:
        person = PersonFactory(
            authority=authority,
            given_name=first,
            family_name=surname,
            date_of_birth=datetime.date.fromisoformat(dob),
            sex=Sex.MALE if sex == "M" else Sex.FEMALE,
            nhs_number=nhs,
            **where,
        )
        people[ident] = person.pk
    refresh_keys(people.values())
    twins = search_candidates(
        authority=authority,
        given_name="Amy",
        family_name="Jones",
        date_of_birth=datetime.date(2016, 3, 14),
        postcode="RM17 5DQ",
        sex="F",
    )
    assert twins[0].person_id == people[900001]
    beth = next(c for c in twins if c.person_id == people[900002])
    assert beth.probability < 0.5
    dad = search_candidates(
        authority=authority,
        given_name="James",
        family_name="Smith",
        date_of_birth=datetime.date(1984, 4, 2),
        postcode="RM17 5DQ",
    )
    assert dad[0].person_id == people[900005]
    son = [c for c in dad if c.person_id == people[900006]]
    assert not son or son[0].probability < 0.5
    assert np.isfinite(dad[0].score)
