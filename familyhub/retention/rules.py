"""When a record falls due for destruction: its closure date, the schedule that applies to it,
and the due date the schedule gives. Every kind of record about a person (a subclass of
access.records.PersonRecord, found in the app registry: no list kept here) is covered.

The closure date of a record, by what the record itself says:
1. a record with an `end` (an early help episode, a health visitor's allocation) closes on it,
   and is open while it has none;
2. a record that belongs to an episode (an assessment, a review, a family plan...) closes when
   the episode does, and is open while the episode is;
3. any other record (a contact, a measurement, a note, an attendance) is complete when it is
   recorded, so it closes on the day it was recorded.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models

from familyhub.access.records import PersonRecord, person_record_models
from familyhub.retention.models import REGISTER_ENTRY, RetentionSchedule


def record_type(model: type[models.Model]) -> str:
    """The label schedules use: app_label.modelname (lower case)."""
    return model._meta.label_lower


def covered_models() -> list[type[models.Model]]:
    """Every kind of record about a person, from the app registry."""
    return list(person_record_models())


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def closes_with_episode(model: type[models.Model]) -> bool:
    return not _has_field(model, "end") and _has_field(model, "episode")


def closure_date(record: models.Model) -> datetime.date | None:
    """The date the record closed (rules in the module docstring); None while it is open."""
    model = type(record)
    if _has_field(model, "end"):
        return record.end  # type: ignore[attr-defined]
    if closes_with_episode(model) and getattr(record, "episode_id", None):
        return record.episode.end  # type: ignore[attr-defined]
    recorded_at = getattr(record, "recorded_at", None)
    return recorded_at.date() if recorded_at else None


def _birthday(born: datetime.date, age: int) -> datetime.date:
    try:
        return born.replace(year=born.year + age)
    except ValueError:  # born on 29 February: the birthday is 1 March in other years
        return datetime.date(born.year + age, 3, 1)


def _age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def due_on(
    schedule: RetentionSchedule,
    *,
    closed_on: datetime.date | None,
    born: datetime.date | None,
    died: datetime.date | None,
) -> datetime.date | None:
    """The day the record may be destroyed under the schedule (its docstring); None when it
    cannot be known yet: an open record, or a birthday rule for someone with no date of birth."""
    if died is not None and schedule.years_after_death is not None:
        return _birthday(died, schedule.years_after_death)
    if closed_on is None:
        return None
    dates = []
    if schedule.years_after_closure is not None:
        dates.append(_birthday(closed_on, schedule.years_after_closure))
    if schedule.until_birthday is not None:
        if born is None:
            return None
        age = schedule.until_birthday
        if schedule.until_birthday_if_17_at_closure and _age_on(born, closed_on) >= 17:
            age = schedule.until_birthday_if_17_at_closure
        dates.append(_birthday(born, age))
    return max(dates) if dates else None


@dataclass(frozen=True)
class ScheduleBook:
    """Every schedule, looked up most specific first: this council over every council, then the
    record type over any type, then the service kind over any kind."""

    schedules: tuple[RetentionSchedule, ...]

    @classmethod
    def load(cls) -> ScheduleBook:
        return cls(tuple(RetentionSchedule.objects.order_by("pk")))

    def schedule_for(
        self, record_type: str, service_kind: str, authority_id: int | None
    ) -> RetentionSchedule | None:
        best: tuple[tuple[int, int, int], RetentionSchedule] | None = None
        for schedule in self.schedules:
            if schedule.authority_id not in (None, authority_id):
                continue
            if schedule.record_type not in ("", record_type):
                continue
            if schedule.service_kind not in ("", service_kind):
                continue
            rank = (
                schedule.authority_id is not None,
                schedule.record_type != "",
                schedule.service_kind != "",
            )
            key = tuple(int(x) for x in rank)
            if best is None or key > best[0]:
                best = (key, schedule)  # type: ignore[assignment]
        return best[1] if best else None


def uncovered(book: ScheduleBook, authority_id: int | None, kinds: Iterable[str]) -> list[str]:
    """Record types (and the register entry) with no schedule for some service kind: what the
    lead's schedules page warns about. Empty with the seeded defaults (a catch-all row)."""
    missing = []
    for label in [record_type(m) for m in covered_models()] + [REGISTER_ENTRY]:
        for kind in kinds:
            if book.schedule_for(label, kind, authority_id) is None:
                missing.append(f"{label} ({kind or 'any service'})")
    return missing


def is_person_record(model: type[models.Model]) -> bool:
    return issubclass(model, PersonRecord) and not model._meta.abstract
