"""Signposting figures, declared to the indicator contract (core.indicators) and imported by this
part's AppConfig.ready(). Counts only: no person leaves these functions.

signposts_<need> (one per need of the directory's own taxonomy, taxonomy.NEEDS): signposts for
that need out of all signposts given in the period, by area (the person's when signposted),
service (the signpost's owning service) and team (the signposting practitioner's). The numerator
is the count by need and area the outcomes part shows; the share says what families ask for.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet

from familyhub.core.indicators import Cell, cells, indicator, people_behind
from familyhub.directory.models import Signpost
from familyhub.directory.taxonomy import NEEDS
from familyhub.people.models import Person

PART = "directory"


def _given(authority_id: int, start: date, end: date) -> QuerySet[Signpost]:
    return Signpost.objects.filter(
        person__authority_id=authority_id,
        person__merged_into__isnull=True,
        given_on__range=(start, end),
    )


def _register(code: str, name: str) -> None:
    key = f"signposts_{code}"
    words = name.lower() if not name.isupper() else name

    def compute(authority_id: int, start: date, end: date) -> list[Cell]:
        rows = (
            _given(authority_id, start, end)
            .values("area_id", "team_id", "owning_service_id")
            .annotate(numerator=Count("pk", filter=Q(need_code=code)), denominator=Count("pk"))
            .order_by()
        )
        # A signpost's `service` is the directory's; the cell's service is the owning one.
        return cells({**row, "service_id": row["owning_service_id"]} for row in rows)

    compute.__name__ = compute.__qualname__ = key
    indicator(
        key=key,
        title=f"Signposts for {words}",
        numerator=f"Signposts to a service in the directory for {words} in the quarter",
        denominator="Signposts to a service in the directory in the quarter",
        part=PART,
        # A share of what families were pointed to: neither more nor less is better in itself.
        higher_is_better=True,
        note="A practitioner records a signpost from a person's or a family's record "
        "(the service, the need, the day); the area is the person's when signposted.",
    )(compute)

    def people(authority_id: int, start: date, end: date) -> QuerySet[Person]:
        given = _given(authority_id, start, end).filter(need_code=code)
        return Person.objects.filter(pk__in=given.values("person_id"))

    people.__name__ = people.__qualname__ = f"{key}_people"
    people_behind(key, records=Signpost)(people)


for _code, _name, _ in NEEDS:
    _register(_code, _name)
