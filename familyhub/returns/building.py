"""What every return's builder is given: the run, a way to note the people it reads (logged, under
the return's lawful basis), a way to record the rules a row broke, and progress.

Failures and people are written in batches as the builder goes, so a month of a county's CSDS
never holds them all in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse

from familyhub.access import layer
from familyhub.returns.kinds import SPECS
from familyhub.returns.models import ReturnPerson, ReturnRun, ValidationFailure

BATCH = 2000


@dataclass(frozen=True)
class PersonKey:
    """What the access log needs of a person (their key and public id), without loading them."""

    pk: int
    public_id: object


@dataclass
class Built:
    """A builder's answer: the file and what it holds."""

    file_name: str
    content_type: str
    content: bytes
    counts: dict[str, int] = field(default_factory=dict)


def fix_person_details(public_id) -> str:
    return reverse("people:person-edit", args=[public_id])


def fix_child_health(public_id) -> str:
    return reverse("childhealth:child", args=[public_id])


def fix_episode(public_id) -> str:
    return reverse("casework:episode", args=[public_id])


class BuildContext:
    def __init__(
        self, run: ReturnRun, user, *, advance: Callable[[int], None] | None = None
    ) -> None:
        self.run = run
        self.user = user
        self.authority_id: int = run.authority_id
        self.start: date = run.period_start
        self.end: date = run.period_end
        self._advance = advance
        self._people: dict[int, object] = {}
        self._failures: list[ValidationFailure] = []
        self.failure_count = 0
        self.blocking_count = 0
        self.people_count = 0

    # --- the people a return reads -------------------------------------------------------

    def note_people(self, people: Iterable[tuple[int, object]]) -> None:
        """People the return holds (pk, public_id): each is logged once per run, as an export
        under the return's lawful basis, and kept with the run for the download's log."""
        for pk, public_id in people:
            self._people[pk] = public_id
        if len(self._people) >= BATCH:
            self._flush_people()

    def _flush_people(self) -> None:
        if not self._people:
            return
        existing = set(
            ReturnPerson.objects.filter(run=self.run, person_id__in=list(self._people)).values_list(
                "person_id", flat=True
            )
        )
        fresh = {pk: pid for pk, pid in self._people.items() if pk not in existing}
        ReturnPerson.objects.bulk_create(
            [ReturnPerson(run=self.run, person_id=pk) for pk in fresh], batch_size=BATCH
        )
        spec = SPECS[self.run.kind]
        layer.log_shown(
            self.user,
            [PersonKey(pk, pid) for pk, pid in fresh.items()],
            purpose=f"Statutory return: {spec.title} {self.run.period_label}",
            channel="export",
            action="export",
            detail=f"return {self.run.public_id}; lawful basis: {spec.lawful_basis}"[:500],
        )
        self.people_count += len(fresh)
        self._people = {}

    # --- the rules rows broke ------------------------------------------------------------

    def fail(
        self,
        *,
        person_id: int | None,
        record: str,
        field_name: str,
        message: str,
        fix_url: str = "",
        team_id: int | None = None,
        blocking: bool = True,
    ) -> None:
        self._failures.append(
            ValidationFailure(
                run=self.run,
                person_id=person_id,
                team_id=team_id,
                record=record[:80],
                field=field_name[:80],
                message=message[:300],
                fix_url=fix_url[:300],
                blocking=blocking,
            )
        )
        self.failure_count += 1
        self.blocking_count += int(blocking)
        if len(self._failures) >= BATCH:
            self._flush_failures()

    def _flush_failures(self) -> None:
        ValidationFailure.objects.bulk_create(self._failures, batch_size=BATCH)
        self._failures = []

    def advance(self, count: int = 1) -> None:
        if self._advance is not None and count:
            self._advance(count)

    def flush(self) -> None:
        self._flush_people()
        self._flush_failures()
