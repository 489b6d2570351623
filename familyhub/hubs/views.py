"""Pages of the hubs part. Thin: parse, check access, call a service or selector, redirect."""

from __future__ import annotations

import contextlib
import datetime
import re
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from familyhub.access import layer
from familyhub.access.layer import no_person_data, person_view
from familyhub.accounts.http import AuthenticatedRequest
from familyhub.accounts.models import User
from familyhub.accounts.roles import PRACTITIONER_ROLES, has_role, require_role
from familyhub.core.exports import csv_download
from familyhub.hubs import charts, permissions, programmes, selectors, services
from familyhub.hubs.forms import PeriodForm, SearchForm, SessionSetupForm, TimetableFilterForm
from familyhub.hubs.management.commands.hubs_reach import COLUMNS, EXTRA, reach_csv_rows
from familyhub.hubs.models import Attendance, Booking, BookingStatus, Session
from familyhub.matching.search import search_candidates
from familyhub.people.models import Household, HouseholdMembership, Person
from familyhub.places.models import Authority
from familyhub.services.models import Service, ServiceKind
from familyhub.services.selectors import authority_of, teams_of

CARD_NUMBER = re.compile(r"^[A-Za-z]{0,4}\d{4,12}$")


def _authority(user) -> Authority | None:
    return authority_of(user)


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
def sessions(request: AuthenticatedRequest) -> HttpResponse:
    """A day's (today's, or a chosen day's) or a week's sessions this person may take the
    register for: ?day=2026-11-02, or ?week=2026-11-02 for the week that day is in."""
    week = None
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
        with contextlib.suppress(ValueError):
            week = selectors.week_start(datetime.date.fromisoformat(request.GET.get("week", "")))
    first, last = (week, week + datetime.timedelta(days=6)) if week else (day, day)
    rows = (
        permissions.sessions_for_staff(request.user)
        .filter(date__gte=first, date__lte=last)
        .select_related("activity", "site")
        .annotate(
            booked=Count(
                "bookings", filter=Q(bookings__status=BookingStatus.BOOKED), distinct=True
            ),
            came=Count("attendances", distinct=True),
        )
        .order_by("date", "start_time", "site__name")
    )
    monday = week or selectors.week_start(day)
    return render(
        request,
        "hubs/sessions.html",
        {
            "day": day,
            "week": week,
            "week_end": last,
            "sessions": rows,
            "previous_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1),
            "week_before": day - datetime.timedelta(days=7),
            "week_after": day + datetime.timedelta(days=7),
            "this_week": monday,
            "previous_week": monday - datetime.timedelta(days=7),
            "next_week": monday + datetime.timedelta(days=7),
            "today": timezone.localdate(),
        },
    )


# --- the register --------------------------------------------------------------------------


def _register_rows(user, session: Session) -> list[dict[str, Any]]:
    """The session's register: the people booked or marked as here that the user may see (the
    staff who run a session are involved with its families: hubs.involvement)."""
    bookings = {
        b.person_id: b
        for b in session.bookings.exclude(status=BookingStatus.CANCELLED).order_by("requested_at")
    }
    present = set(Attendance.objects.filter(session=session).values_list("person_id", flat=True))
    shown = layer.visible_among(user, set(bookings) | present)
    people = Person.objects.filter(pk__in=shown).order_by("family_name", "given_name")
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


def _search(request: AuthenticatedRequest, session: Session, query: str) -> list[Person]:
    """Find people for this register by a family's card number or by name.

    A card number grants nothing: it narrows the people the viewer may already see (or who are
    booked on this session), like a name does."""
    allowed = layer.visible_people(request.user)
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
    layer.log_shown(
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
    candidates = search_candidates(
        authority=session.authority,
        given_name=words[0],
        family_name=" ".join(words[1:]),
        limit=10,
    )
    ids = [c.person_id for c in candidates]
    return set(allowed.filter(pk__in=ids).values_list("pk", flat=True))


def _registration_link(request: AuthenticatedRequest, session: Session) -> str:
    """The people part's single registration journey, coming back here afterwards."""
    back = reverse("hubs:register", args=[session.public_id])
    url = reverse("people:register")
    return f"{url}?{urlencode({'next': back})}"


@person_view
def register(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Take a session's register at the door: tick who came, in one save; find and add walk-ins."""
    session = permissions.session_for_staff(request.user, public_id)
    if request.method == "POST":
        return _register_save(request, session)
    rows = _register_rows(request.user, session)
    layer.log_shown(
        request.user, [r["person"] for r in rows], purpose=f"Session register: {session.activity}"
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
            # Everyone on the register is someone the viewer may see (_register_rows): their
            # record and their family's booking page open for them.
            "can_book": permissions.can_book(request.user),
            "scores_course": _scores_course(request.user, session),
        },
    )


def _scores_course(user, session: Session):
    """The parenting course this session belongs to, when the user may record its scores."""
    if not session.series_id:
        return None
    courses = programmes.courses_for_outcomes(permissions.sessions_for_staff(user))
    return courses.filter(pk=session.series_id).first()


def _just_registered(request: AuthenticatedRequest, session: Session, on_register: set[int]):
    """After single registration sends the user back with `?person=<uuid>`, offer to add them."""
    value = request.GET.get("person") or request.GET.get("added")
    if not value:
        return None
    try:
        person = layer.person_for_viewer(request.user, value, purpose="Add to a session register")
    except Http404:  # absent, not allowed or not a uuid: offer nothing
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


def _register_save(request: AuthenticatedRequest, session: Session) -> HttpResponse:
    allowed = layer.visible_people(request.user)
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
def walk_in(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Add someone already on the register of people as a walk-in (new families register first)."""
    session = permissions.session_for_staff(request.user, public_id)
    person = layer.person_for_viewer(
        request.user, request.POST.get("person", ""), purpose="Session register: walk-in"
    )
    services.walk_in_add(session=session, person=person, by=request.user)
    messages.success(request, f"{person.display_name} added as here today.")
    return redirect("hubs:register", public_id=session.public_id)


@person_view
@require_POST
def book(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Book someone onto this session (or, for a course, onto the whole course)."""
    session = permissions.session_for_staff(request.user, public_id)
    person = layer.person_for_viewer(
        request.user, request.POST.get("person", ""), purpose="Book onto a session"
    )
    try:
        if session.is_course and session.series is not None:
            bookings = services.course_book(series=session.series, person=person, by=request.user)
            status = bookings[0].status
        else:
            status = services.booking_create(session=session, person=person, by=request.user).status
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("hubs:register", public_id=session.public_id)
    if status == BookingStatus.WAITING:
        messages.success(
            request, f"The session is full: {person.display_name} is on the waiting list."
        )
    else:
        messages.success(request, f"{person.display_name} is booked.")
    return redirect("hubs:register", public_id=session.public_id)


@person_view
def booking_cancel(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Cancel a booking, after a page that asks first (a cancelled place may go to the next on
    the waiting list at once); the waiting list moves up in order."""
    try:
        booking = (
            Booking.objects.select_related(
                "session", "session__activity", "session__site", "person"
            )
            .exclude(status=BookingStatus.CANCELLED)
            .get(public_id=public_id, session__in=permissions.sessions_for_staff(request.user))
        )
    except Booking.DoesNotExist as error:
        raise Http404("No such booking") from error
    layer.log_shown(request.user, [booking.person], purpose="Cancel a booking")
    back = reverse("hubs:register", args=[booking.session.public_id])
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        return render(
            request,
            "hubs/booking_cancel.html",
            {"booking": booking, "back": request.POST.get("next") or back},
        )
    promoted = services.booking_cancel(booking=booking, by=request.user)
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


def _timetable_context(request: AuthenticatedRequest) -> dict:
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
        "can_set_up": has_role(request.user, permissions.SETUP_ROLES),
        "previous_week": (start - datetime.timedelta(days=7)).isoformat(),
        "next_week": (start + datetime.timedelta(days=7)).isoformat(),
    }


@no_person_data("the published timetable: sessions, places and times only")
def timetable(request: AuthenticatedRequest) -> HttpResponse:
    context = _timetable_context(request)
    # A session links to its register for the staff who run it; everyone else reads the times.
    context["runnable"] = set(
        permissions.sessions_for_staff(request.user)
        .filter(date__gte=context["start"], date__lte=context["end"])
        .values_list("pk", flat=True)
    )
    return render(request, "hubs/timetable.html", context)


@no_person_data("the printable timetable a family is handed")
def timetable_print(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "hubs/timetable_print.html", _timetable_context(request))


# --- reports -------------------------------------------------------------------------------


@require_role(permissions.REPORT_ROLES)
def reach(request: AuthenticatedRequest) -> HttpResponse:
    authority = _authority(request.user)
    as_of = timezone.localdate()
    with contextlib.suppress(ValueError):
        as_of = datetime.date.fromisoformat(request.GET.get("as_of", "")) or as_of
    rows, localities = (
        selectors.reach_report(authority=authority, as_of=as_of) if authority else ([], [])
    )
    if request.GET.get("format") == "csv":
        # The same file as `familyhub hubs-reach --csv --full`, for people without a terminal.

        return csv_download(
            [COLUMNS + EXTRA, *reach_csv_rows(rows, extra=True)],
            filename=f"hub-reach-{as_of}.csv",
        )
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


@require_role(permissions.REPORT_ROLES | {"reception", "family_support_worker"})
def capacity(request: AuthenticatedRequest) -> HttpResponse:
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
    chart = charts.fill_rates([(row.name, row.fill_rate) for row in sites], start=start, end=end)
    return render(
        request,
        "hubs/capacity.html",
        {
            "form": form,
            "tables": [("By site", sites), ("By locality", localities)],
            "start": start,
            "end": end,
            "chart": chart,
        },
    )


# --- setting up sessions -------------------------------------------------------------------


@require_role(permissions.SETUP_ROLES)
def session_new(request: AuthenticatedRequest) -> HttpResponse:
    """Set up a one-off or weekly session (the timetable). No person's information."""

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
                form.apply_errors(error)
            else:
                url = reverse("hubs:timetable")
                return redirect(f"{url}?{urlencode({'week': data['first_date'].isoformat()})}")
    return render(request, "hubs/session_new.html", {"form": form})


# --- booking a family from their record ----------------------------------------------------


@person_view
def family_book(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Book a person and chosen members of their family onto a session or course coming up."""
    if not has_role(request.user, PRACTITIONER_ROLES):
        raise Http404("No such person")
    person = layer.person_for_viewer(request.user, public_id, purpose="Book onto a session")
    visible = layer.visible_people(request.user)
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
        permissions.bookable_sessions(request.user)
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
        session = (
            permissions.sessions_for_staff(request.user).filter(public_id__in=session_ids).first()
        )
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
            messages.success(
                request, f"{session.activity} on {session.date:%d %B}: " + "; ".join(results)
            )
            return redirect("hubs:family-book", public_id=person.public_id)
    cards = _cards([p.pk for p in family])
    layer.log_shown(request.user, family, purpose="Book onto a session")
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
