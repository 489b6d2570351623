"""Small-number suppression for published tables (never for internal pages).

Primary: a cell whose numerator or denominator is 1 to threshold-1 shows "*" for both counts and
the rate (a count of 0 is safe to show). The threshold is settings.FAMILYHUB_SUPPRESS_BELOW
(default 5).

Secondary: the tables published together for one indicator and period are linked by sums. The
wards of a locality add up to the locality, the localities to the total, the deciles to the total
and in pairs to the quintiles, the teams of a service to the service, and so on. Each such sum is
a Group: `total = parts + residual`, where the residual is what the published parts leave out
(people with no service recorded, say): it is never published, so it is an unknown to a reader.
A group with exactly one unknown gives that unknown away by subtraction, so while any group has
exactly one, and that one is a hidden cell (or a small residual), the smallest cell of the group
still shown is hidden too. A cell hidden for one group can leave another group with one unknown,
so the groups are checked again until none changes: this is the usual "at least two unknowns in
every published sum" rule of official statistics, applied across all the linked tables at once.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from django.conf import settings

MARK = "*"
Counts = tuple[int, int]
K = TypeVar("K", bound=Hashable)


def threshold() -> int:
    return int(getattr(settings, "FAMILYHUB_SUPPRESS_BELOW", 5))


@dataclass(frozen=True)
class Published:
    label: str
    numerator: int | str
    denominator: int | str
    rate: float | None | str
    suppressed: bool = False


@dataclass(frozen=True)
class Group(Generic[K]):
    """One published sum: `total` is the sum of `parts` plus an unpublished residual. A total of
    None is a sum published elsewhere (or implied) that is not itself a cell here."""

    total: K | None
    parts: tuple[K, ...]


def _small(value: int, below: int) -> bool:
    return 0 < value < below


def is_small(counts: Counts, below: int) -> bool:
    return _small(counts[0], below) or _small(counts[1], below)


def _size(counts: Counts) -> tuple[bool, int, int]:
    """Order for choosing a complementary cell: the smallest non-empty cell first; an empty
    cell (0 of 0) hides almost nothing, so it is chosen only when nothing else is left."""
    return (counts == (0, 0), counts[1], counts[0])


def _residual(cells: Mapping[K, Counts], group: Group[K]) -> Counts:
    if group.total is None:
        return (0, 0)
    total = cells[group.total]
    parts = [cells[p] for p in group.parts]
    return (total[0] - sum(p[0] for p in parts), total[1] - sum(p[1] for p in parts))


def _complement(
    cells: Mapping[K, Counts],
    group: Group[K],
    hidden: set[K],
    also_fixes: Callable[[K], bool],
) -> K | None:
    """The cell to hide so the group has two unknowns: the smallest part still shown, one that
    also mends another group first, else the total (a total is hidden last: it sits in many
    groups)."""
    shown = [p for p in group.parts if p not in hidden]
    if shown:
        return min(shown, key=lambda key: (not also_fixes(key), _size(cells[key]), str(key)))
    if group.total is not None and group.total not in hidden:
        return group.total
    return None


def _needs_complement(
    cells: Mapping[K, Counts], group: Group[K], hidden: set[K], below: int
) -> bool:
    members = list(group.parts) + ([group.total] if group.total is not None else [])
    hidden_members = sum(1 for key in members if key in hidden)
    residual = _residual(cells, group)
    residual_unknown = residual != (0, 0)
    if hidden_members + residual_unknown != 1:
        return False
    # One unknown: it matters if it is a hidden cell, or a residual small enough to disclose.
    return hidden_members == 1 or is_small(residual, below)


def suppress_linked(
    cells: Mapping[K, Counts], groups: Iterable[Group[K]], *, below: int | None = None
) -> set[K]:
    """The keys of the cells to hide: primary (small) cells, then complementary cells until no
    group has a single unknown. Parts not in `cells` (not published) are left out of a group."""
    below = threshold() if below is None else below
    linked = [
        Group(group.total, tuple(p for p in dict.fromkeys(group.parts) if p in cells))
        for group in groups
        # A total named but not published here is no sum a reader can subtract from.
        if group.total is None or group.total in cells
    ]
    hidden = {key for key, counts in cells.items() if is_small(counts, below)}
    groups_of: dict[K, list[Group[K]]] = {}
    for group in linked:
        for key in group.parts:
            groups_of.setdefault(key, []).append(group)

    changed = True
    while changed:
        changed = False
        for group in linked:
            if not _needs_complement(cells, group, hidden, below):
                continue

            def also_fixes(key: K, current: Group[K] = group) -> bool:
                return any(
                    other is not current and _needs_complement(cells, other, hidden, below)
                    for other in groups_of.get(key, ())
                )

            extra = _complement(cells, group, hidden, also_fixes)
            if extra is not None:
                hidden.add(extra)
                changed = True
    return hidden


def mark(row: Published) -> Published:
    return replace(row, numerator=MARK, denominator=MARK, rate=MARK, suppressed=True)


def suppress_rows(
    rows: Sequence[tuple[str, int, int, float | None]], *, below: int | None = None
) -> list[Published]:
    """Rows of ONE breakdown (label, numerator, denominator, rate) that partition a published
    total. For the tables published together, use suppress_linked over all of them."""
    cells = {i: (int(n), int(d)) for i, (_, n, d, _) in enumerate(rows)}
    hidden = suppress_linked(cells, [Group(None, tuple(cells))], below=below)
    return [mark(Published(*row)) if i in hidden else Published(*row) for i, row in enumerate(rows)]


def suppress_total(numerator: int, denominator: int, *, below: int | None = None) -> bool:
    below = threshold() if below is None else below
    return is_small((numerator, denominator), below)
