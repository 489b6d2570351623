"""Secondary suppression across the breakdowns published together for one indicator and period.

Each test plays the reader who wants a hidden count back: `attack` solves every published sum
that has a single unknown, again and again with what it has found, as one would with the tables
side by side in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from familyhub.accounts.roles import Role
from familyhub.outcomes import publication, suppression
from familyhub.outcomes.aggregation import AreaInfo
from familyhub.outcomes.frameworks import ensure_shipped_frameworks
from familyhub.outcomes.models import Breakdown, IndicatorValue
from familyhub.outcomes.publication import TOTAL, Hierarchy, linked_groups
from familyhub.outcomes.suppression import Group
from familyhub.testing import factories as shared

ALL, LOC, AREA, DEC = "all", "locality", "area", "decile"


def attack(cells, groups, hidden):
    """What a reader recovers of the hidden cells from the sums `total = sum(parts)` alone."""
    known = {key: counts for key, counts in cells.items() if key not in hidden}
    found = True
    while found:
        found = False
        for group in groups:
            members = [group.total, *group.parts]
            if any(key not in cells for key in members):
                continue
            unknown = [key for key in members if key not in known]
            if len(unknown) != 1:
                continue
            (key,) = unknown
            parts = [known[p] for p in group.parts if p != key]
            n, d = sum(p[0] for p in parts), sum(p[1] for p in parts)
            if key == group.total:
                known[key] = (n, d)
            else:
                known[key] = (known[group.total][0] - n, known[group.total][1] - d)
            found = True
    return {key: known[key] for key in hidden if key in known}


def single_breakdown_rule(cells, below=5):
    """The old rule: each breakdown on its own (suppression.suppress_rows), by breakdown."""
    hidden = set()
    for breakdown in {key[0] for key in cells}:
        keys = sorted(key for key in cells if key[0] == breakdown)
        rows = [(str(key), *cells[key], None) for key in keys]
        out = suppression.suppress_rows(rows, below=below)
        hidden |= {key for key, row in zip(keys, out, strict=True) if row.suppressed}
    return hidden


# Two localities (10: Central, 20: North), five wards, a decile each: only the total, locality
# and ward tables are published here, so the decile sums play no part.
WARDS = {
    1: AreaInfo(10, 1),
    2: AreaInfo(10, 2),
    3: AreaInfo(10, 3),
    4: AreaInfo(20, 4),
    5: AreaInfo(20, 5),
}
LINKS = Hierarchy(areas=WARDS, team_services={})


def ward_tables(values):
    cells = {(AREA, str(ward)): counts for ward, counts in values.items()}
    for locality in (10, 20):
        wards = [values[w] for w in values if WARDS[w].locality_id == locality]
        cells[(LOC, str(locality))] = (sum(n for n, _ in wards), sum(d for _, d in wards))
    cells[TOTAL] = (sum(n for n, _ in values.values()), sum(d for _, d in values.values()))
    return cells


RECOVERABLE = {1: (3, 10), 2: (20, 40), 3: (30, 60), 4: (6, 12), 5: (25, 50)}


def test_the_single_breakdown_rule_lets_a_ward_be_recovered_from_its_locality():
    cells = ward_tables(RECOVERABLE)
    groups = linked_groups(cells, LINKS)
    old = single_breakdown_rule(cells)
    # Ward 1 (3 of 10) is hidden with the smallest other ward, 4, in the other locality...
    assert old == {(AREA, "1"), (AREA, "4")}
    # ...so Central (53/110) less wards 2 and 3 gives ward 1 back, and North less 5 gives 4.
    assert attack(cells, groups, old) == {(AREA, "1"): (3, 10), (AREA, "4"): (6, 12)}


def test_linked_suppression_leaves_nothing_to_recover_and_hides_no_more_than_needed():
    cells = ward_tables(RECOVERABLE)
    groups = linked_groups(cells, LINKS)
    hidden = publication.hidden_cells(cells, LINKS, below=5)
    assert attack(cells, groups, hidden) == {}
    # Ward 2, the smallest other ward in Central, serves both Central and the ward table.
    assert hidden == {(AREA, "1"), (AREA, "2")}


def test_a_complement_in_one_table_is_carried_into_the_next_until_stable():
    # Wards 1, 2 in locality A and wards 3, 4 in B; wards 1, 3 in decile 1 and 2, 4 in decile 2.
    links = Hierarchy(
        areas={1: AreaInfo(10, 1), 2: AreaInfo(10, 2), 3: AreaInfo(20, 1), 4: AreaInfo(20, 2)},
        team_services={},
    )
    wards = {1: (2, 8), 2: (30, 60), 3: (25, 50), 4: (40, 80)}
    cells = {(AREA, str(w)): c for w, c in wards.items()}
    cells[(LOC, "10")] = (32, 68)
    cells[(LOC, "20")] = (65, 130)
    cells[(DEC, "1")] = (27, 58)
    cells[(DEC, "2")] = (70, 140)
    cells[TOTAL] = (97, 198)
    groups = linked_groups(cells, links)
    hidden = publication.hidden_cells(cells, links, below=5)
    # Ward 2 protects ward 1 in locality A; ward 3 in decile 1; then locality B has ward 3 alone,
    # so ward 4 goes too. Any three of the four would give the fourth away, and then the rest.
    assert hidden == {(AREA, "1"), (AREA, "2"), (AREA, "3"), (AREA, "4")}
    assert attack(cells, groups, hidden) == {}
    for chosen in hidden:
        assert attack(cells, groups, hidden - {chosen})
    # Stable: every published sum has no unknown or at least two.
    for group in groups:
        members = [group.total, *group.parts]
        assert sum(1 for key in members if key in hidden) != 1


def test_nothing_small_nothing_hidden_in_any_table():
    cells = ward_tables({1: (10, 20), 2: (20, 40), 3: (0, 30), 4: (6, 12), 5: (25, 50)})
    assert publication.hidden_cells(cells, LINKS, below=5) == set()


def test_a_ward_alone_in_its_decile_takes_the_decile_with_it():
    # The decile row equals the ward's: hiding the ward alone would show it in the decile table.
    links = Hierarchy(areas={1: AreaInfo(10, 1), 2: AreaInfo(10, 9)}, team_services={})
    cells = {
        (AREA, "1"): (3, 9),
        (AREA, "2"): (20, 40),
        (DEC, "1"): (3, 9),
        (DEC, "9"): (20, 40),
        (LOC, "10"): (23, 49),
        TOTAL: (23, 49),
    }
    hidden = publication.hidden_cells(cells, links, below=5)
    assert attack(cells, linked_groups(cells, links), hidden) == {}
    assert {(AREA, "1"), (DEC, "1")} <= hidden


def test_an_unpublished_remainder_counts_as_an_unknown():
    # Services: the people with no service recorded are in the total but in no service's row.
    groups = [Group(TOTAL, (("service", "1"), ("service", "2")))]
    hidden_remainder = {TOTAL: (50, 100), ("service", "1"): (3, 10), ("service", "2"): (40, 80)}
    # Service 1 is small; the total less service 2 is service 1 plus the remainder (7 of 10):
    # two unknowns, so nothing more is hidden.
    assert suppression.suppress_linked(hidden_remainder, groups, below=5) == {("service", "1")}
    # A small remainder (2 of 2) that nothing else hides would be the total less the services.
    small_remainder = {TOTAL: (47, 92), ("service", "1"): (40, 80), ("service", "2"): (5, 10)}
    assert suppression.suppress_linked(small_remainder, groups, below=5) == {("service", "2")}


def test_single_breakdown_rows_keep_their_behaviour():
    rows = [("A", 2, 10, 20.0), ("B", 10, 50, 20.0), ("C", 8, 25, 32.0), ("D", 10, 35, 28.6)]
    out = suppression.suppress_rows(rows, below=5)
    assert [r.label for r in out if r.suppressed] == ["A", "C"]


# --- the published export ------------------------------------------------------------------


@pytest.mark.django_db
def test_publication_csv_resists_the_subtraction_attack(client, signed_in, make_user, authority):
    ensure_shipped_frameworks()
    key, start = "new_birth_visit_14_days", date(2025, 4, 1)
    central = shared.LocalityFactory(authority=authority, name="Central")
    north = shared.LocalityFactory(authority=authority, name="North")
    wards = {}
    for number, (locality, decile) in enumerate(
        [(central, 1), (central, 2), (central, 3), (north, 4), (north, 5)], start=1
    ):
        wards[number] = shared.AreaFactory(
            authority=authority, locality=locality, imd_decile=decile, name=f"Ward {number}"
        )
    now = timezone.now()

    def value(breakdown, breakdown_id, n, d):
        IndicatorValue.objects.create(
            authority=authority,
            indicator_key=key,
            period_start=start,
            period_end=date(2025, 6, 30),
            breakdown=breakdown,
            breakdown_id=breakdown_id,
            numerator=n,
            denominator=d,
            computed_at=now,
        )

    for number, (n, d) in RECOVERABLE.items():
        value(Breakdown.AREA, str(wards[number].pk), n, d)
        value(Breakdown.DECILE, str(wards[number].imd_decile), n, d)
    value(Breakdown.LOCALITY, str(central.pk), 53, 110)
    value(Breakdown.LOCALITY, str(north.pk), 31, 62)
    value(Breakdown.ALL, "", 84, 172)

    signed_in(client, make_user(Role.COMMISSIONER))
    url = reverse("outcomes:export", args=["county-five-objectives", "csv"]) + "?publication=1"
    body = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    shown = {(r["breakdown"], r["group"]): (r["numerator"], r["denominator"]) for r in rows}
    assert ("Ward or area", "Ward 1") in shown and shown[("All", "All")] == ("84", "172")

    # The attack, on the file as published: every sum a reader knows holds between its tables.
    def ward(w):
        return ("Ward or area", f"Ward {w}")

    def decile(k):
        return next(g for g in shown if g[0] == "Deprivation decile" and g[1].split()[1] == str(k))

    sums = [
        Group(("Locality", "Central"), (ward(1), ward(2), ward(3))),
        Group(("Locality", "North"), (ward(4), ward(5))),
        Group(("All", "All"), (("Locality", "Central"), ("Locality", "North"))),
        Group(("All", "All"), tuple(ward(w) for w in RECOVERABLE)),
        Group(("All", "All"), tuple(decile(k) for k in range(1, 6))),
        *[Group(decile(w), (ward(w),)) for w in RECOVERABLE],
    ]
    cells = {
        group: (int(n), int(d)) if n != "*" else RECOVERABLE[int(group[1].split()[-1])]
        for group, (n, d) in shown.items()
        if n != "*" or group[0] == "Ward or area"
    }
    for k in range(1, 6):  # a hidden decile's true counts are its one ward's
        cells.setdefault(decile(k), RECOVERABLE[k])
    hidden = {group for group, (n, _) in shown.items() if n == "*"}
    assert ward(1) in hidden
    assert attack(cells, sums, hidden) == {}
