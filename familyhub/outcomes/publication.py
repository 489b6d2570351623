"""Which published cells to hide, across every breakdown of one indicator and period.

The breakdowns that the refresh writes (aggregation.roll_up) are published together, so they are
linked by sums a reader can subtract: each ward adds into its locality, its deprivation decile
and quintile; each decile pair into a quintile; each team into its service; and every breakdown
into the total. This module names those sums (suppression.Group) from the places and teams as
they stand, and asks suppression.suppress_linked for the cells to hide.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from familyhub.outcomes.aggregation import UNKNOWN, AreaInfo, area_lookup, quintile_of
from familyhub.outcomes.models import Breakdown
from familyhub.outcomes.suppression import Counts, Group, suppress_linked
from familyhub.places.models import Authority
from familyhub.services.models import Team

CellKey = tuple[str, str]
TOTAL: CellKey = (Breakdown.ALL.value, "")


@dataclass(frozen=True)
class Hierarchy:
    """Where each ward and team sits: the links between the published breakdowns."""

    areas: Mapping[int, AreaInfo]
    team_services: Mapping[int, int]

    def area_parents(self, area_id: str) -> list[CellKey]:
        info = self.areas.get(int(area_id)) if area_id.isdigit() else None
        decile = info.decile if info else None
        quintile = quintile_of(decile)
        return [
            (
                Breakdown.LOCALITY.value,
                str(info.locality_id) if info and info.locality_id else UNKNOWN,
            ),
            (Breakdown.DECILE.value, str(decile) if decile else UNKNOWN),
            (Breakdown.QUINTILE.value, str(quintile) if quintile else UNKNOWN),
        ]

    def decile_parent(self, decile: str) -> CellKey:
        quintile = quintile_of(int(decile)) if decile.isdigit() else None
        return (Breakdown.QUINTILE.value, str(quintile) if quintile else UNKNOWN)

    def team_parent(self, team_id: str) -> CellKey | None:
        service = self.team_services.get(int(team_id)) if team_id.isdigit() else None
        return (Breakdown.SERVICE.value, str(service)) if service else None


def hierarchy(authority: Authority) -> Hierarchy:
    return Hierarchy(
        areas=area_lookup(authority.pk),
        team_services=dict(Team.objects.values_list("pk", "service_id")),
    )


def linked_groups(keys: Iterable[CellKey], links: Hierarchy) -> list[Group]:
    """The sums linking the published cells. The innermost come first, so a complementary cell
    chosen inside a locality also serves the ward table's sum to the total."""
    keys = list(keys)
    children: dict[CellKey, list[CellKey]] = {}
    for breakdown, breakdown_id in keys:
        if breakdown == Breakdown.AREA:
            parents = links.area_parents(breakdown_id)
        elif breakdown == Breakdown.DECILE:
            parents = [links.decile_parent(breakdown_id)]
        elif breakdown == Breakdown.TEAM:
            parent = links.team_parent(breakdown_id)
            parents = [parent] if parent else []
        else:
            parents = []
        for parent in parents:
            children.setdefault(parent, []).append((breakdown, breakdown_id))
    groups = [Group(parent, tuple(parts)) for parent, parts in children.items()]
    for breakdown in Breakdown.values:
        if breakdown != Breakdown.ALL:
            parts = tuple(key for key in keys if key[0] == breakdown)
            if parts:
                groups.append(Group(TOTAL, parts))
    return groups


def hidden_cells(
    cells: Mapping[CellKey, Counts], links: Hierarchy, *, below: int | None = None
) -> set[CellKey]:
    """The cells of one indicator and period to publish as "*"."""
    return suppress_linked(cells, linked_groups(cells, links), below=below)
