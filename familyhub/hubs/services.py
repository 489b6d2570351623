"""Every write of the hubs part: sessions, bookings and the waiting list, registers, entitlements.

Each function is atomic. Capacity is checked with the session (or course) row locked, so two
people booking the last place at once get one place and one waiting-list spot, never two places.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.audit.log import log_change
from familyhub.hubs.models import (
    ActivityType,
    Attendance,
    Booking,
    BookingStatus,
    EntitlementFlag,
    OutcomeScale,
    ProgrammeMeasure,
    Session,
    SessionSeries,
)
from familyhub.hubs.recurrence import weekly_dates
from familyhub.hubs.selectors import bank_holidays
from familyhub.people.models import Person
from familyhub.places.models import Authority, Site
from familyhub.services.models import Service


def series_create(
    *,
    authority: Authority,
    activity: ActivityType,
    site: Site,
    service: Service,
    weekday: int,
    start_time: datetime.time,
    end_time: datetime.time,
    starts_on: datetime.date,
    ends_on: datetime.date,
    capacity: int | None = None,
    is_course: bool | None = None,
    hub: Site | None = None,
    staff: Iterable = (),
) -> SessionSeries:
    """A weekly session and its occurrences (bank holidays skipped)."""
    with transaction.atomic():
        series = SessionSeries(
            authority=authority,
            activity=activity,
            site=site,
            hub=hub,
            service=service,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            starts_on=starts_on,
            ends_on=ends_on,
            capacity=capacity or activity.default_capacity,
            is_course=activity.is_course if is_course is None else is_course,
        )
        series.full_clean()
        series.save()
        series.staff.set(list(staff))
        series_generate(series=series)
    return series


def series_generate(*, series: SessionSeries) -> int:
    """Create the occurrences a series is missing; returns how many were created.

    Safe to run again (after adding a bank holiday or extending the end date): an occurrence that
    exists is left alone, so bookings on it are kept.
    """
    dates = weekly_dates(
        weekday=series.weekday,
        starts_on=series.starts_on,
        ends_on=series.ends_on,
        skip=bank_holidays(),
    )
    staff = list(series.staff.all())
    created = 0
    with transaction.atomic():
        existing = set(series.sessions.values_list("date", flat=True))
        for day in dates:
            if day in existing:
                continue
            session = Session.objects.create(
                authority=series.authority,
                series=series,
                activity=series.activity,
                site=series.site,
                hub=series.hub,
                service=series.service,
                date=day,
                start_time=series.start_time,
                end_time=series.end_time,
                capacity=series.capacity,
            )
            session.staff.set(staff)
            created += 1
    return created


def session_create(
    *,
    authority: Authority,
    activity: ActivityType,
    site: Site,
    service: Service,
    date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    capacity: int | None = None,
    hub: Site | None = None,
    staff: Iterable = (),
) -> Session:
    """A one-off session."""
    with transaction.atomic():
        session = Session(
            authority=authority,
            activity=activity,
            site=site,
            hub=hub,
            service=service,
            date=date,
            start_time=start_time,
            end_time=end_time,
            capacity=capacity or activity.default_capacity,
        )
        session.full_clean()
        session.save()
        session.staff.set(list(staff))
    return session


def _live(bookings):
    return bookings.exclude(status=BookingStatus.CANCELLED)


def booking_create(
    *, session: Session, person: Person, by: User | None = None, channel: str = "page"
) -> Booking:
    """Book a person onto one session: a place if there is one, else the waiting list.

    Locks the session row. A course's weeks are not booked one by one (use course_book).
    """
    if session.series_id and session.series and session.series.is_course:
        raise ValidationError({"session": "This is a course: book the whole course."})
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.cancelled:
            raise ValidationError({"session": "This session has been cancelled."})
        if _live(locked.bookings.filter(person=person)).exists():
            raise ValidationError({"person": f"{person} is already booked on this session."})
        booked = locked.bookings.filter(status=BookingStatus.BOOKED).count()
        status = BookingStatus.BOOKED if booked < locked.capacity else BookingStatus.WAITING
        booking = Booking.objects.create(
            authority=locked.authority,
            session=locked,
            person=person,
            status=status,
            requested_at=timezone.now(),
            booked_by=by,
        )
        log_change(by, [person], action="change", purpose="Book onto a session", channel=channel)
    return booking


def _course_people_booked(series: SessionSeries) -> int:
    return (
        Booking.objects.filter(course=series, status=BookingStatus.BOOKED)
        .values("person")
        .distinct()
        .count()
    )


def course_book(
    *, series: SessionSeries, person: Person, by: User | None = None, channel: str = "page"
) -> list[Booking]:
    """Book a person onto every week of a course still to come, or put them on its waiting list.

    Locks the series row, so the course's places are counted once for all its weeks.
    """
    if not series.is_course:
        raise ValidationError({"series": "This is not a course: book its sessions one by one."})
    today = timezone.localdate()
    with transaction.atomic():
        locked = SessionSeries.objects.select_for_update().get(pk=series.pk)
        if _live(Booking.objects.filter(course=locked, person=person)).exists():
            raise ValidationError({"person": f"{person} is already booked on this course."})
        sessions = list(locked.sessions.filter(date__gte=today, cancelled=False))
        if not sessions:
            raise ValidationError({"series": "This course has no weeks left to book."})
        status = (
            BookingStatus.BOOKED
            if _course_people_booked(locked) < locked.capacity
            else BookingStatus.WAITING
        )
        now = timezone.now()
        bookings = [
            Booking.objects.create(
                authority=locked.authority,
                session=session,
                person=person,
                course=locked,
                status=status,
                requested_at=now,
                booked_by=by,
            )
            for session in sessions
        ]
        log_change(by, [person], action="change", purpose="Book onto a course", channel=channel)
    return bookings


def booking_cancel(
    *, booking: Booking, by: User | None = None, channel: str = "page"
) -> list[Booking]:
    """Cancel a booking (a course booking: every week still to come) and promote the waiting list
    in order, logged for everyone whose booking changed. Returns the bookings promoted."""
    with transaction.atomic():
        promoted = _cancel(booking)
        log_change(
            by,
            Person.objects.filter(pk__in={booking.person_id, *(b.person_id for b in promoted)}),
            action="change",
            purpose="Cancel a booking",
            channel=channel,
        )
    return promoted


def _cancel(booking: Booking) -> list[Booking]:
    with transaction.atomic():
        now = timezone.now()
        if booking.course_id:
            series = SessionSeries.objects.select_for_update().get(pk=booking.course_id)
            _live(
                Booking.objects.filter(
                    course=series,
                    person_id=booking.person_id,
                    session__date__gte=timezone.localdate(),
                )
            ).update(status=BookingStatus.CANCELLED, cancelled_at=now)
            # Past weeks keep their record of having been booked.
            return _promote_course(series)
        session = Session.objects.select_for_update().get(pk=booking.session_id)
        Booking.objects.filter(pk=booking.pk).exclude(status=BookingStatus.CANCELLED).update(
            status=BookingStatus.CANCELLED, cancelled_at=now
        )
        return _promote_session(session)


def _promote_session(session: Session) -> list[Booking]:
    promoted: list[Booking] = []
    free = session.capacity - session.bookings.filter(status=BookingStatus.BOOKED).count()
    if free <= 0:
        return promoted
    for booking in session.bookings.filter(status=BookingStatus.WAITING).order_by(
        "requested_at", "id"
    )[:free]:
        booking.status = BookingStatus.BOOKED
        booking.save(update_fields=["status"])
        promoted.append(booking)
    return promoted


def _promote_course(series: SessionSeries) -> list[Booking]:
    promoted: list[Booking] = []
    free = series.capacity - _course_people_booked(series)
    if free <= 0:
        return promoted
    waiting = Booking.objects.filter(course=series, status=BookingStatus.WAITING).order_by(
        "requested_at", "id"
    )
    people: list[int] = []
    for person_id in waiting.values_list("person_id", flat=True):
        if person_id not in people:
            people.append(person_id)
        if len(people) == free:
            break
    for booking in waiting.filter(person_id__in=people):
        booking.status = BookingStatus.BOOKED
        booking.save(update_fields=["status"])
        promoted.append(booking)
    return promoted


def session_set_capacity(*, session: Session, capacity: int) -> list[Booking]:
    """Change a session's places; more places promote the waiting list in order."""
    if capacity < 1:
        raise ValidationError({"capacity": "Enter a number of places of 1 or more."})
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        locked.capacity = capacity
        locked.save(update_fields=["capacity"])
        return _promote_session(locked)


@dataclass
class RegisterResult:
    marked_present: int
    marked_absent: int


def register_save(
    *,
    session: Session,
    present: Iterable[int],
    shown: Iterable[int],
    was_present: Iterable[int],
    by: User,
    channel: str = "page",
) -> RegisterResult:
    """Save a register in one go.

    `shown` are the people the page showed, `was_present` those it showed as ticked, `present`
    those ticked now. Only rows this person changed are written, so two people taking the same
    register at the door never undo each other's ticks.
    """
    present_ids = set(present)
    shown_ids = set(shown)
    before = set(was_present) & shown_ids
    to_add = (present_ids & shown_ids) - before
    to_remove = before - present_ids
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        bookings = {
            b.person_id: b
            for b in _live(locked.bookings.filter(person_id__in=to_add)).order_by("requested_at")
        }
        already = set(
            Attendance.objects.filter(session=locked, person_id__in=to_add).values_list(
                "person_id", flat=True
            )
        )
        new = [
            Attendance(
                session=locked,
                person_id=person_id,
                booking=bookings.get(person_id),
                walk_in=person_id not in bookings,
                owning_service_id=locked.service_id,
                category=Attendance.access_category,
                recorded_by=by,
            )
            for person_id in sorted(to_add - already)
        ]
        Attendance.objects.bulk_create(new)
        removed, _ = Attendance.objects.filter(session=locked, person_id__in=to_remove).delete()
        Session.objects.filter(pk=locked.pk).update(register_version=locked.register_version + 1)
        log_change(
            by,
            Person.objects.filter(pk__in=to_add | to_remove),
            action="change",
            purpose="Session register",
            channel=channel,
        )
    return RegisterResult(marked_present=len(new), marked_absent=removed)


def walk_in_add(*, session: Session, person: Person, by: User, channel: str = "page") -> Attendance:
    """Mark a person who came without a booking as there (they must be on the register already:
    a new family is registered through single registration first)."""
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        existing = Attendance.objects.filter(session=locked, person=person).first()
        if existing is not None:
            return existing
        booking = _live(locked.bookings.filter(person=person)).first()
        try:
            with transaction.atomic():
                attendance = Attendance.objects.create(
                    session=locked,
                    person=person,
                    booking=booking,
                    walk_in=booking is None,
                    owning_service_id=locked.service_id,
                    recorded_by=by,
                )
        except IntegrityError:
            attendance = Attendance.objects.get(session=locked, person=person)
        log_change(
            by, [person], action="change", purpose="Session register: walk-in", channel=channel
        )
    return attendance


def entitlement_flag_set(
    *,
    person: Person,
    kind: str,
    starts_on: datetime.date,
    service: Service,
    ends_on: datetime.date | None = None,
    by: User | None = None,
) -> EntitlementFlag:
    """Record that a person is on an entitlement (free early education for two-year-olds)."""
    flag = EntitlementFlag(
        person=person,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        owning_service=service,
        recorded_by=by,
        category=EntitlementFlag.access_category,
    )
    flag.full_clean()
    flag.save()
    return flag


STALE_SCORES = (
    "Someone else changed these scores after you opened the page: nothing was saved. "
    "Open it again to see theirs."
)


def programme_scores_save(
    *,
    series: SessionSeries,
    scale: OutcomeScale,
    scores: dict[int, tuple[int | None, int | None]],
    versions: dict[int, int],
    by: User | None,
    channel: str = "page",
) -> int:
    """Save parents' scores on a course (person id -> (before, after)); returns how many rows
    changed. Each score is checked against the scale's range first and nothing is saved if one
    is out of it (the error names the person's row). A row someone else saved since the page
    was opened (its version moved on) is refused, never overwritten."""
    errors = {
        f"score_{person_id}": f"Scores on {scale.short_name} are from {scale.minimum} to {scale.maximum}"
        for person_id, pair in scores.items()
        for value in pair
        if value is not None and not scale.minimum <= value <= scale.maximum
    }
    if errors:
        raise ValidationError(errors)
    changed: list[int] = []
    with transaction.atomic():
        current = {
            m.person_id: m
            for m in ProgrammeMeasure.objects.select_for_update().filter(
                series=series, scale=scale, person_id__in=list(scores)
            )
        }
        stale = [
            f"score_{pid}"
            for pid, m in current.items()
            if versions.get(pid) is not None and versions[pid] != m.version
        ]
        if stale:
            raise ValidationError(dict.fromkeys(stale, STALE_SCORES))
        for person_id, (before, after) in scores.items():
            measure = current.get(person_id)
            if measure is None:
                if before is None and after is None:
                    continue
                ProgrammeMeasure.objects.create(
                    person_id=person_id,
                    series=series,
                    scale=scale,
                    before=before,
                    after=after,
                    owning_service_id=series.service_id,
                    category=ProgrammeMeasure.access_category,
                    recorded_by=by,
                )
            elif (measure.before, measure.after) != (before, after):
                ProgrammeMeasure.objects.filter(pk=measure.pk).update(
                    before=before, after=after, version=measure.version + 1
                )
            else:
                continue
            changed.append(person_id)
        log_change(
            by,
            Person.objects.filter(pk__in=changed),
            action="change",
            purpose=f"Parenting programme scores: {series.activity}",
            channel=channel,
        )
    return len(changed)
