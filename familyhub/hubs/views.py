"""Pages of the hubs part. Thin: parse, check access, call a service or selector, redirect."""

from __future__ import annotations

import contextlib
import datetime
import re
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from familyhub.access.layer import no_person_data, person_view
from familyhub.accounts.roles import PRACTITIONER_ROLES
from familyhub.core.access import require_role
from familyhub.hubs import access, charts, selectors, services
from familyhub.hubs.forms import PeriodForm, SearchForm, SessionSetupForm, TimetableFilterForm
from familyhub.hubs.models import Attendance, Booking, BookingStatus, Session
from familyhub.people.models import Household, HouseholdMembership, Person
from familyhub.places.models import Authority
from familyhub.services.models import Service, ServiceKind
from familyhub.services.selectors import teams_of

CARD_NUMBER = re.compile(r"^[A-Za-z]{0,4}\d{4,12}$")


def _authority(user) -> Authority | None:
    team = teams_of(user).select_related("service__authority").first()
    if team is not None:
        return team.service.authority
    return (
        Authority.objects.filter(code=settings.FAMILYHUB_AUTHORITY_CODE).first()
        or Authority.objects.order_by("pk").first()
    )


def _age(born: datetime.date | None, on: datetime.date) -> str:
    if born is None:
        return "Not known"
    months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
    if months < 0:
        return "Not born yet"
    if months < 24:
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{months // 12} years"


def _cards(people_ids) -> dict[int, str]:
    return dict(
        HouseholdMembership.objects.filter(person_id__in=people_ids, end__isnull=True)
        .order_by("start")
        .values_list("person_id", "household__card_number")
    )


# --- sessions list -------------------------------------------------------------------------


@require_role(PRACTITIONER_ROLES)
def sessions(request: HttpRequest) -> HttpResponse:
    """Today's (or a chosen day's) sessions this person may take the register for."""
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    rows = (
        access.sessions_for_staff(request.user)
        .filter(date=day)
        .select_related("activity", "site")
        .annotate(
            booked=Count(
                "bookings", filter=Q(bookings__status=BookingStatus.BOOKED), distinct=True
            ),
            came=Count("attendances", distinct=True),
        )
        .order_by("start_time", "site__name")
    )
    return render(
        request,
        "hubs/sessions.html",
        {
            "day": day,
            "sessions": rows,
            "previous_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1),
        },
    )


# --- the register --------------------------------------------------------------------------


def _register_rows(session: Session) -> list[dict[str, Any]]:
    bookings = {
        b.person_id: b
        for b in session.bookings.exclude(status=BookingStatus.CANCELLED).order_by("requested_at")
    }
    present = set(Attendance.objects.filter(session=session).values_list("person_id", flat=True))
    people = Person.objects.filter(pk__in=set(bookings) | present).order_by(
        "family_name", "given_name"
    )
    cards = _cards([p.pk for p in people])
    rows: list[dict[str, Any]] = []
    for person in people:
        booking = bookings.get(person.pk)
        status = booking.get_status_display() if booking else "Walk-in"
        rows.append(
            {
                "person": person,
                "age": _age(person.date_of_birth, session.date),
                "card": cards.get(person.pk, ""),
                "status": status,
                "booking": booking,
                "waiting": booking is not None and booking.status == BookingStatus.WAITING,
                "present": person.pk in present,
            }
        )
    # Booked first, then walk-ins, then the waiting list (who may still turn up).
    rows.sort(key=lambda r: (r["waiting"], r["booking"] is None, r["person"].family_name))
    return rows


def _search(request: HttpRequest, session: Session, query: str) -> list[Person]:
    """Find people for this register by a family's card number or by name.

    A card number grants nothing: it narrows the people the viewer may already see (or who are
    booked on this session), like a name does."""
    allowed = access.people_for_register(request.user, session)
    query = query.strip()
    if not query:
        return []
    if CARD_NUMBER.match(query.replace(" ", "")):
        households = Household.objects.filter(
            card_number__iexact=query.replace(" ", ""), authority=session.authority
        )
        found = allowed.filter(
            household_memberships__household__in=households,
            household_memberships__end__isnull=True,
        )
    else:
        words = query.split()
        condition = Q()
        for word in words:
            condition &= (
                Q(given_name__istartswith=word)
                | Q(family_name__istartswith=word)
                | Q(known_as__istartswith=word)
            )
        ids = set(allowed.filter(condition).values_list("pk", flat=True)[:50])
        ids |= _matching_ids(session, words, allowed)
        found = allowed.filter(pk__in=ids)
    results = list(found.distinct().order_by("family_name", "given_name")[:25])
    access.log_person_access(
        request.user,
        results,
        action="search",
        purpose=f"Session register search: {session.activity}",
        channel="search",
    )
    return results


def _matching_ids(session: Session, words: list[str], allowed) -> set[int]:
    """The matching part's real-time search catches spelling variants and nicknames; its
    candidates are kept only if the viewer may see them."""
    if len(words) < 2:
        return set()
    try:
        from familyhub.matching.search import search_candidates
    except ImportError:
        return set()
    try:
        candidates = search_candidates(
            authority=session.authority,
            given_name=words[0],
            family_name=" ".join(words[1:]),
            limit=10,
        )
    except Exception:  # noqa: BLE001 - the plain name search still answers
        return set()
    ids = [c.person_id for c in candidates]
    return set(allowed.filter(pk__in=ids).values_list("pk", flat=True))


def _registration_link(request: HttpRequest, session: Session) -> str:
    """The people part's single registration journey, coming back here afterwards."""
    back = reverse("hubs:register", args=[session.public_id])
    try:
        url = reverse("people:register")
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode({'next': back})}"


@person_view
def register(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Take a session's register at the door: tick who came, in one save; find and add walk-ins."""
    session = access.session_for_staff(request.user, public_id)
    if request.method == "POST":
        return _register_save(request, session)
    rows = _register_rows(session)
    access.log_person_access(
        request.user,
        [r["person"] for r in rows],
        action="read",
        purpose=f"Session register: {session.activity}",
        channel="page",
    )
    search = SearchForm(request.GET or None)
    results: list[dict[str, Any]] = []
    on_register = {r["person"].pk for r in rows}
    if search.is_valid() and search.cleaned_data["q"]:
        results = [
            {
                "person": p,
                "age": _age(p.date_of_birth, session.date),
                "on_register": p.pk in on_register,
            }
            for p in _search(request, session, search.cleaned_data["q"])
        ]
        cards = _cards([r["person"].pk for r in results])
        for result in results:
            result["card"] = cards.get(result["person"].pk, "")
    added = _just_registered(request, session, on_register)
    return render(
        request,
        "hubs/register.html",
        {
            "session": session,
            "rows": rows,
            "search": search,
            "searched": bool(search.is_valid() and search.cleaned_data["q"]),
            "results": results,
            "booked": sum(1 for r in rows if r["booking"] and not r["waiting"]),
            "waiting": sum(1 for r in rows if r["waiting"]),
            "present": sum(1 for r in rows if r["present"]),
            "registration_link": _registration_link(request, session),
            "added": added,
            "is_course": session.is_course,
        },
    )


def _just_registered(request: HttpRequest, session: Session, on_register: set[int]):
    """After single registration sends the user back with `?person=<uuid>`, offer to add them."""
    value = request.GET.get("person") or request.GET.get("added")
    if not value:
        return None
    try:
        person = access.person_for_register(request.user, session, value)
    except Exception:  # noqa: BLE001 - absent, not allowed or not a uuid: offer nothing
        return None
    if person.pk in on_register:
        return None
    return {"person": person, "age": _age(person.date_of_birth, session.date)}


def _public_ids(values: list[str]) -> set[uuid.UUID]:
    ids = set()
    for value in values:
        try:
            ids.add(uuid.UUID(value))
        except ValueError:
            continue
    return ids


def _register_save(request: HttpRequest, session: Session) -> HttpResponse:
    allowed = access.people_for_register(request.user, session)
    shown_public = _public_ids(request.POST.getlist("shown"))
    by_public = dict(allowed.filter(public_id__in=shown_public).values_list("public_id", "pk"))
    present = [by_public[p] for p in _public_ids(request.POST.getlist("present")) if p in by_public]
    was = [by_public[p] for p in _public_ids(request.POST.getlist("was_present")) if p in by_public]
    result = services.register_save(
        session=session,
        present=present,
        shown=list(by_public.values()),
        was_present=was,
        by=request.user,
    )
    total = Attendance.objects.filter(session=session).count()
    messages.success(
        request,
        f"Register saved: {total} {'person' if total == 1 else 'people'} here "
        f"({result.marked_present} ticked, {result.marked_absent} unticked just now).",
    )
    return redirect("hubs:register", public_id=session.public_id)


@person_view
@require_POST
def walk_in(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Add someone already on the register of people as a walk-in (new families register first)."""
    session = access.session_for_staff(request.user, public_id)
    person = access.person_for_register(request.user, session, request.POST.get("person", ""))
    services.walk_in_add(session=session, person=person, by=request.user)
    messages.success(request, f"{person.display_name} added as here today.")
    return redirect("hubs:register", public_id=session.public_id)


@person_view
@require_POST
def book(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Book someone onto this session (or, for a course, onto the whole course)."""
    session = access.session_for_staff(request.user, public_id)
    person = access.person_for_register(request.user, session, request.POST.get("person", ""))
    try:
        if session.is_course and session.series is not None:
            bookings = services.course_book(series=session.series, person=person, by=request.user)
            status = bookings[0].status
        else:
            status = services.booking_create(session=session, person=person, by=request.user).status
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("hubs:register", public_id=session.public_id)
    access.log_person_access(
        request.user, [person], action="change", purpose="Session booking", channel="page"
    )
    if status == BookingStatus.WAITING:
        messages.success(
            request, f"The session is full: {person.display_name} is on the waiting list."
        )
    else:
        messages.success(request, f"{person.display_name} is booked.")
    return redirect("hubs:register", public_id=session.public_id)


@person_view
@require_POST
def booking_cancel(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Cancel a booking; the waiting list moves up in order."""
    try:
        booking = (
            Booking.objects.select_related("session", "person")
            .exclude(status=BookingStatus.CANCELLED)
            .get(public_id=public_id, session__in=access.sessions_for_staff(request.user))
        )
    except Booking.DoesNotExist as error:
        from django.http import Http404

        raise Http404("No such booking") from error
    promoted = services.booking_cancel(booking=booking, by=request.user)
    access.log_person_access(
        request.user,
        [booking.person] + [b.person for b in promoted],
        action="change",
        purpose="Session booking cancelled",
        channel="page",
    )
    text = f"Booking for {booking.person.display_name} cancelled."
    names = sorted({b.person.display_name for b in promoted})
    if names:
        text += f" {', '.join(names)} moved up from the waiting list."
    messages.success(request, text)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("hubs:register", args=[booking.session.public_id])
    return redirect(target)


# --- the timetable -------------------------------------------------------------------------


def _timetable_context(request: HttpRequest) -> dict:
    authority = _authority(request.user)
    form = TimetableFilterForm(request.GET or None, authority=authority)
    locality = site = None
    day = timezone.localdate()
    if form.is_valid():
        locality = form.cleaned_data["locality"]
        site = form.cleaned_data["site"]
        day = form.cleaned_data["week"] or day
    start = selectors.week_start(day)
    end = start + datetime.timedelta(days=6)
    rows = list(
        selectors.timetable_sessions(
            authority=authority, start=start, end=end, locality=locality, site=site
        )
    )
    by_site: dict = {}
    for session in rows:
        by_site.setdefault(session.site, []).append(session)
    return {
        "form": form,
        "start": start,
        "end": end,
        "locality": locality,
        "site": site,
        "by_site": list(by_site.items()),
        "grid": selectors.timetable_grid(rows, start=start),
        "query": request.GET.urlencode(),
        "can_set_up": getattr(request.user, "role", "") in access.SETUP_ROLES,
        "previous_week": (start - datetime.timedelta(days=7)).isoformat(),
        "next_week": (start + datetime.timedelta(days=7)).isoformat(),
    }


@no_person_data("the published timetable: sessions, places and times only")
def timetable(request: HttpRequest) -> HttpResponse:
    return render(request, "hubs/timetable.html", _timetable_context(request))


@no_person_data("the printable timetable a family is handed")
def timetable_print(request: HttpRequest) -> HttpResponse:
    return render(request, "hubs/timetable_print.html", _timetable_context(request))


# --- reports -------------------------------------------------------------------------------


@require_role(access.REPORT_ROLES)
def reach(request: HttpRequest) -> HttpResponse:
    authority = _authority(request.user)
    as_of = timezone.localdate()
    with contextlib.suppress(ValueError):
        as_of = datetime.date.fromisoformat(request.GET.get("as_of", "")) or as_of
    rows, localities = (
        selectors.reach_report(authority=authority, as_of=as_of) if authority else ([], [])
    )
    if request.GET.get("format") == "csv":
        # The same file as `familyhub hubs-reach --csv --full`, for people without a terminal.
        import csv

        from familyhub.hubs.management.commands.hubs_reach import (
            COLUMNS,
            EXTRA,
            reach_csv_rows,
        )

        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="hub-reach-{as_of}.csv"'
        writer = csv.writer(response)
        writer.writerow(COLUMNS + EXTRA)
        writer.writerows(reach_csv_rows(rows, extra=True))
        return response
    return render(
        request,
        "hubs/reach.html",
        {
            "tables": [("By hub", rows), ("By locality", localities)],
            "as_of": as_of,
            "threshold": selectors.engaged_attendances(),
            "period_days": selectors.engaged_period_days(),
        },
    )


@require_role(access.REPORT_ROLES | {"reception", "family_support_worker"})
def capacity(request: HttpRequest) -> HttpResponse:
    authority = _authority(request.user)
    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    start = selectors.week_start(today) - datetime.timedelta(weeks=4)
    end = start + datetime.timedelta(weeks=8, days=-1)
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    sites, localities = (
        selectors.capacity_report(authority=authority, start=start, end=end, today=today)
        if authority and form.is_valid() or authority and not form.is_bound
        else ([], [])
    )
    chart = charts.bar_chart(
        [(row.name, row.fill_rate) for row in sites],
        title=f"Places booked as a share of places offered, {start:%d %B %Y} to {end:%d %B %Y}",
    )
    return render(
        request,
        "hubs/capacity.html",
        {
            "form": form,
            "tables": [("By site", sites), ("By locality", localities)],
            "start": start,
            "end": end,
            "chart": chart if sites else "",
        },
    )


# --- setting up sessions -------------------------------------------------------------------


@require_role(access.SETUP_ROLES)
def session_new(request: HttpRequest) -> HttpResponse:
    """Set up a one-off or weekly session (the timetable). No person's information."""
    from familyhub.accounts.models import User

    authority = _authority(request.user)
    staff = (
        User.objects.filter(memberships__team__service__authority=authority, is_active=True)
        .distinct()
        .order_by("first_name", "last_name")
    )
    form = SessionSetupForm(request.POST or None, authority=authority, staff_queryset=staff)
    if request.method == "POST" and form.is_valid() and authority is not None:
        data = form.cleaned_data
        # The user's own family hub service runs it; else the authority's.
        hub_services = Service.objects.filter(kind=ServiceKind.FAMILY_HUB, authority=authority)
        hub_service = (
            hub_services.filter(teams__in=teams_of(request.user)).first()
            or hub_services.order_by("pk").first()
        )
        if hub_service is None:
            form.add_error(None, "There is no family hub service to run the session")
        else:
            try:
                if data["until"]:
                    series = services.series_create(
                        authority=authority,
                        activity=data["activity"],
                        site=data["site"],
                        service=hub_service,
                        weekday=data["first_date"].weekday(),
                        start_time=data["start_time"],
                        end_time=data["end_time"],
                        starts_on=data["first_date"],
                        ends_on=data["until"],
                        capacity=data["capacity"],
                        is_course=data["is_course"] or data["activity"].is_course,
                        hub=data["hub"],
                        staff=data["staff"],
                    )
                    count = series.sessions.count()
                    messages.success(
                        request, f"{data['activity']} set up: {count} weekly sessions."
                    )
                else:
                    services.session_create(
                        authority=authority,
                        activity=data["activity"],
                        site=data["site"],
                        service=hub_service,
                        date=data["first_date"],
                        start_time=data["start_time"],
                        end_time=data["end_time"],
                        capacity=data["capacity"],
                        hub=data["hub"],
                        staff=data["staff"],
                    )
                    messages.success(request, f"{data['activity']} set up.")
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    target = field if field in form.fields else None
                    for message in errors:
                        form.add_error(target, message)
            else:
                url = reverse("hubs:timetable")
                return redirect(f"{url}?{urlencode({'week': data['first_date'].isoformat()})}")
    return render(request, "hubs/session_new.html", {"form": form})


# --- booking a family from their record ----------------------------------------------------


@person_view
def family_book(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Book a person and chosen members of their family onto a session or course coming up."""
    from familyhub.access.layer import person_for_viewer

    if getattr(request.user, "role", "") not in PRACTITIONER_ROLES:
        from django.http import Http404

        raise Http404("No such person")
    person = person_for_viewer(
        request.user, public_id, purpose="Book onto a session", channel="page"
    )
    visible = access.visible_people(request.user, channel="page")
    households = HouseholdMembership.objects.filter(person=person, end__isnull=True).values(
        "household_id"
    )
    family = list(
        visible.filter(
            Q(pk=person.pk)
            | Q(
                household_memberships__household_id__in=households,
                household_memberships__end__isnull=True,
            )
        )
        .distinct()
        .order_by("date_of_birth")
    )
    today = timezone.localdate()
    upcoming = (
        access.sessions_for_staff(request.user)
        .filter(date__gte=today, date__lte=today + datetime.timedelta(weeks=6), cancelled=False)
        .select_related("activity", "site", "series")
        .annotate(
            booked=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED), distinct=True)
        )
        .order_by("date", "start_time")[:200]
    )
    error = ""
    # What was ticked and chosen stays so after an error (nobody ticks a family twice).
    chosen_ids: set[uuid.UUID] = {person.public_id}
    chosen_session = ""
    if request.method == "POST":
        chosen_ids = _public_ids(request.POST.getlist("people"))
        chosen_session = request.POST.get("session", "")
        chosen = [p for p in family if p.public_id in chosen_ids]
        session_ids = _public_ids([request.POST.get("session", "")])
        session = access.sessions_for_staff(request.user).filter(public_id__in=session_ids).first()
        if not chosen:
            error = "Select who to book"
        elif session is None:
            error = "Select a session"
        else:
            results = []
            for member in chosen:
                try:
                    if session.is_course and session.series is not None:
                        status = services.course_book(
                            series=session.series, person=member, by=request.user
                        )[0].status
                    else:
                        status = services.booking_create(
                            session=session, person=member, by=request.user
                        ).status
                except ValidationError as problem:
                    results.append(" ".join(problem.messages))
                    continue
                results.append(
                    f"{member.display_name}: "
                    + ("on the waiting list" if status == BookingStatus.WAITING else "booked")
                )
            access.log_person_access(
                request.user, chosen, action="change", purpose="Session booking", channel="page"
            )
            messages.success(
                request, f"{session.activity} on {session.date:%d %B}: " + "; ".join(results)
            )
            return redirect("hubs:family-book", public_id=person.public_id)
    cards = _cards([p.pk for p in family])
    return render(
        request,
        "hubs/family_book.html",
        {
            "person": person,
            "family": [
                {"person": p, "age": _age(p.date_of_birth, today), "card": cards.get(p.pk, "")}
                for p in family
            ],
            "upcoming": upcoming,
            "error": error,
            "chosen_ids": chosen_ids,
            "chosen_session": chosen_session,
            "bookings": Booking.objects.filter(person__in=family, session__date__gte=today)
            .exclude(status=BookingStatus.CANCELLED)
            .select_related("session__activity", "session__site", "person")
            .order_by("session__date", "session__start_time")[:100],
        },
    )
