"""The family's pages: sign in with a code, ask to be linked, register the family, ask for
help, book sessions. Every page but signing in needs a family account (family_required); what
a page shows of the register comes through the access layer's family viewer, and is logged."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from familyhub.access import layer
from familyhub.accounts.lockout import current_lockout
from familyhub.hubs.models import Attendance, Booking, BookingStatus, Session
from familyhub.hubs.selectors import timetable_sessions
from familyhub.portal import passkeys, services, signin
from familyhub.portal.decorators import family_required, is_family_account
from familyhub.portal.forms import (
    BookForm,
    CodeForm,
    HelpForm,
    LinkRequestForm,
    SelfRegistrationForm,
    SignInForm,
)
from familyhub.portal.models import LinkRequest, Passkey, RequestStatus, SelfRegistration
from familyhub.portal.status import help_status
from familyhub.referrals.models import Referral, ReferrerKind
from familyhub.services.selectors import deployment_authority

_IDENTIFIER = "portal_identifier"  # the address a code was sent to, kept in the session
TIMETABLE_WEEKS = 4


def _locked_out(request, identifier: str) -> HttpResponse:
    lockout = current_lockout(request, {"username": identifier})
    return render(
        request,
        "portal/locked_out.html",
        {"until": timezone.localtime(lockout.until)},
        status=429,
    )


@login_not_required
def sign_in(request):
    if is_family_account(request.user):
        return redirect("portal:home")
    form = SignInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        try:
            signin.send_code(request, identifier)
        except signin.LockedOut:
            return _locked_out(request, identifier)
        except signin.TooManyCodes as too_many:
            form.add_error(
                "identifier",
                _("We have sent too many codes. Try again in %(minutes)s minutes")
                % {"minutes": too_many.minutes},
            )
        else:
            request.session[_IDENTIFIER] = identifier
            next_url = request.POST.get("next", "")
            if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                request.session["portal_next"] = next_url
            return redirect("portal:code")
    return render(
        request, "portal/sign_in.html", {"form": form, "next": request.GET.get("next", "")}
    )


@login_not_required
def code(request):
    identifier = request.session.get(_IDENTIFIER)
    if not identifier:
        return redirect("portal:sign-in")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = signin.check_code(request, identifier, form.cleaned_data["code"])
        except signin.LockedOut:
            return _locked_out(request, identifier)
        except ValidationError as error:
            form.add_error("code", error.messages[0])
        else:
            next_url = request.session.get("portal_next", "")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            # Shorter than a member of staff's: the public signs in on shared and lost phones.
            request.session.set_expiry(settings.FAMILYHUB_FAMILY_SESSION_MINUTES * 60)
            if next_url.startswith("/family/"):
                return redirect(next_url)
            return redirect("portal:home")
    return render(request, "portal/code.html", {"form": form, "sent_to": identifier})


@login_not_required
@require_POST
def sign_out(request):
    logout(request)
    return render(request, "portal/signed_out.html")


def _record_links() -> list[tuple[str, str]]:
    """The family record's pages (the record helper's), once their URLs exist."""
    links = []
    for name, label in (
        ("portal:record_home", _("Your record: who is helping you")),
        ("portal:record_plan", _("Your family plan")),
        ("portal:record_appointments", _("Appointments and reviews")),
        ("portal:record_documents", _("Shared with you")),
        ("portal:record_looked", _("Who has looked at your record")),
        ("portal:record_consents", _("What you have agreed to")),
        ("portal:record_data", _("Download your data")),
    ):
        try:
            links.append((reverse(name), label))
        except NoReverseMatch:
            continue
    return links


@family_required
def home(request):
    people = layer.family_people_shown(request.user, purpose="Family home page")
    return render(
        request,
        "portal/home.html",
        {
            "people": people,
            "link_requests": LinkRequest.objects.filter(account=request.user),
            "registrations": SelfRegistration.objects.filter(account=request.user),
            "record_links": _record_links() if people else [],
        },
    )


@family_required
def link_request(request):
    form = LinkRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_request_create(account=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("Thank you. We will check who you are."))
            return redirect("portal:home")
    return render(request, "portal/link_request.html", {"form": form})


@family_required
def register(request):
    form = SelfRegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.self_registration_create(
                account=request.user,
                address_line1=data["address_line1"],
                town=data.get("town") or "",
                postcode=data["postcode"],
                members=form.members(),
            )
        except ValidationError as error:
            form.apply_errors(_member_errors(error))
        else:
            messages.success(
                request, _("Thank you. Your family hub will check your details and be in touch.")
            )
            return redirect("portal:home")
    return render(request, "portal/register.html", {"form": form})


def _member_errors(error: ValidationError) -> ValidationError:
    """A service's "members[2].date_of_birth" is the form's "child1_date_of_birth"."""
    prefixes = ["me", "adult", "child1", "child2", "child3", "baby"]
    mapped: dict[str, list[str]] = {}
    for name, messages_ in error.message_dict.items():
        if name.startswith("members[") and "." in name:
            index, field = name[len("members[") :].split("].")
            prefix = prefixes[min(int(index), len(prefixes) - 1)]
            field = "due" if field == "expected_date" else field
            mapped[f"{prefix}_{field}"] = messages_
        else:
            mapped[name if name != "members" else "me_family_name"] = messages_
    return ValidationError(mapped)


def _linked_or_waiting(request, page: str):
    """A page that needs a confirmed link, shown to an account without one: what to do next."""
    waiting = (
        LinkRequest.objects.filter(account=request.user, status=RequestStatus.WAITING).exists()
        or SelfRegistration.objects.filter(
            account=request.user, status=RequestStatus.WAITING
        ).exists()
    )
    return render(request, "portal/not_linked.html", {"waiting": waiting, "page": page})


@family_required
def help_list(request):
    people = layer.family_people_shown(request.user, purpose="Ask for help")
    if not people:
        return _linked_or_waiting(request, "help")
    referrals = layer.family_records(
        request.user,
        Referral.objects.filter(referrer_kind=ReferrerKind.FAMILY).select_related(
            "person", "owning_service"
        ),
    ).order_by("-received_at")
    rows = [(referral, help_status(referral)) for referral in referrals]
    return render(request, "portal/help_list.html", {"rows": rows})


@family_required
def help_new(request):
    people = layer.family_people_shown(request.user, purpose="Ask for help")
    if not people:
        return _linked_or_waiting(request, "help")
    form = HelpForm(request.POST if request.method == "POST" else None, people=people)
    if request.method == "POST" and form.is_valid():
        person = next(p for p in people if str(p.public_id) == form.cleaned_data["person"])
        try:
            services.help_request(
                account=request.user,
                person=person,
                what_help=form.cleaned_data["what_help"],
                needs=form.cleaned_data["about"],
                name=_own_name(request.user, people),
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("Thank you. We have your request for help."))
            return redirect("portal:help")
    return render(request, "portal/help_new.html", {"form": form})


def _own_name(user, people) -> str:
    own = {link.person_id for link in layer.family_links(user)}
    for person in people:
        if person.pk in own:
            return person.display_name
    return user.username


def _family_sessions(people) -> list[Session]:
    """The next weeks' sessions at the hubs of the family's localities (else the council's)."""
    today = timezone.localdate()
    localities = {p.area.locality_id for p in people if p.area_id and p.area}
    authority = people[0].authority if people else deployment_authority()
    sessions = timetable_sessions(
        authority=authority, start=today, end=today + datetime.timedelta(weeks=TIMETABLE_WEEKS)
    )
    if localities:
        sessions = sessions.filter(site__locality_id__in=localities)
    return list(sessions.order_by("date", "start_time")[:200])


def _places_left(sessions) -> dict[int, int]:
    booked = dict.fromkeys((s.pk for s in sessions), 0)
    for session_id in Booking.objects.filter(
        session__in=sessions, status=BookingStatus.BOOKED
    ).values_list("session_id", flat=True):
        booked[session_id] += 1
    return {s.pk: max(0, s.capacity - booked[s.pk]) for s in sessions}


@family_required
def sessions(request):
    people = layer.family_people_shown(request.user, purpose="Family hub sessions")
    if not people:
        return _linked_or_waiting(request, "sessions")
    found = _family_sessions(people)
    left = _places_left(found)
    return render(
        request,
        "portal/sessions.html",
        {"sessions": [(s, left[s.pk]) for s in found]},
    )


@family_required
def session_book(request, public_id):
    people = layer.family_people_shown(request.user, purpose="Book a session")
    if not people:
        return _linked_or_waiting(request, "sessions")
    session = get_object_or_404(
        Session.objects.select_related("activity", "site", "series"),
        public_id=public_id,
        cancelled=False,
        date__gte=timezone.localdate(),
    )
    if session.pk not in {s.pk for s in _family_sessions(people)}:
        raise Http404("Not a session at your hubs")
    # A baby not born yet cannot come to a session (the parent books for themselves).
    born = [p for p in people if not p.is_unborn]
    form = BookForm(request.POST if request.method == "POST" else None, people=born)
    if request.method == "POST" and form.is_valid():
        person = next(p for p in born if str(p.public_id) == form.cleaned_data["person"])
        try:
            bookings = services.book(account=request.user, session=session, person=person)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            if bookings[0].status == BookingStatus.WAITING:
                messages.success(
                    request,
                    _(
                        "The session is full. %(name)s is on the waiting list: we will tell you "
                        "if a place comes up."
                    )
                    % {"name": person.display_name},
                )
            else:
                messages.success(request, _("%(name)s is booked.") % {"name": person.display_name})
            return redirect("portal:bookings")
    left = _places_left([session])[session.pk]
    return render(
        request, "portal/session_book.html", {"session": session, "form": form, "left": left}
    )


@family_required
def bookings(request):
    people = layer.family_people_shown(request.user, purpose="Family bookings")
    if not people:
        return _linked_or_waiting(request, "bookings")
    today = timezone.localdate()
    upcoming = (
        Booking.objects.filter(person__in=people, session__date__gte=today)
        .exclude(status=BookingStatus.CANCELLED)
        .select_related("session__activity", "session__site", "person")
        .order_by("session__date", "session__start_time")
    )
    came = (
        layer.family_records(request.user, Attendance.objects.all())
        .select_related("person")
        .order_by("-session__date")[:50]
    )
    return render(request, "portal/bookings.html", {"upcoming": upcoming, "came": came})


@family_required
def booking_cancel(request, public_id):
    people = layer.family_people_shown(request.user, purpose="Cancel a booking")
    booking = get_object_or_404(
        Booking.objects.select_related("session__activity", "session__site", "person"),
        public_id=public_id,
        person__in=people,
        session__date__gte=timezone.localdate(),
    )
    if booking.status == BookingStatus.CANCELLED:
        return redirect("portal:bookings")
    if request.method == "POST":
        services.cancel(account=request.user, booking=booking)
        messages.success(request, _("The booking is cancelled."))
        return redirect("portal:bookings")
    return render(request, "portal/booking_cancel.html", {"booking": booking})


# --- passkeys (portal.passkeys) ----------------------------------------------------------------


def _passkey_error(error: ValidationError, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": error.messages[0]}, status=status)


@family_required
def passkey_list(request):
    """The account's passkeys: add one (the page's script), or remove one."""
    if request.method == "POST":
        try:
            chosen = uuid.UUID(request.POST.get("remove", ""))
        except ValueError as error:
            raise Http404("No such passkey") from error
        key = get_object_or_404(Passkey, public_id=chosen, account=request.user)
        key.delete()
        messages.success(request, _("Passkey removed. You can still sign in with a code"))
        return redirect("portal:passkeys")
    return render(
        request,
        "portal/passkeys.html",
        {"passkeys": request.user.passkeys.all(), "added": request.GET.get("added") == "1"},
    )


@family_required
@require_POST
def passkey_register_options(request):
    return HttpResponse(
        passkeys.registration_options(request, request.user), content_type="application/json"
    )


@family_required
@require_POST
def passkey_register(request):
    try:
        key = passkeys.register(request, request.user, passkeys.body_credential(request))
    except ValidationError as error:
        return _passkey_error(error)
    return JsonResponse({"name": key.name, "redirect": reverse("portal:passkeys") + "?added=1"})


@login_not_required
@require_POST
def passkey_sign_in_options(request):
    return HttpResponse(passkeys.authentication_options(request), content_type="application/json")


@login_not_required
@require_POST
def passkey_sign_in(request):
    try:
        user = passkeys.authenticate(request, passkeys.body_credential(request))
    except signin.LockedOut:
        return _passkey_error(
            ValidationError(_("There have been too many wrong tries. Try again later")), 429
        )
    except ValidationError as error:
        return _passkey_error(error)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.set_expiry(settings.FAMILYHUB_FAMILY_SESSION_MINUTES * 60)
    return JsonResponse({"redirect": reverse("portal:home")})
