"""The family's record, shared with them: who is involved and who leads, their plan (comment on
an action, mark it done), what is coming up, a child's growth chart and red book, notes shared
with them, who has looked at the record (and a question about it), their consents, and their
data to download.

What is shown is decided in the access layer (access.layer.family_people, family_records,
family_contact_details, family_access_history), never here; every page notes the people it
shows (one access-log entry each when the page is sent, channel "page"). Writes go through the
parts' services (casework for the plan, access for consent and questions), which log them.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from familyhub.access import layer, subject_access
from familyhub.access import services as access_services
from familyhub.access.layer import person_view
from familyhub.access.models import Consent, SharedNote
from familyhub.accounts.http import AuthenticatedRequest
from familyhub.casework import services as casework_services
from familyhub.casework.models import LIVE_STATUSES, Action, Episode
from familyhub.childhealth import centiles, growthchart
from familyhub.childhealth.models import (
    DueStatus,
    HealthVisitorAllocation,
    Measurement,
    ReviewDue,
    Screening,
)
from familyhub.childhealth.models import (
    Review as HealthReview,
)
from familyhub.contacts.models import Contact
from familyhub.core.forms import GovukForm
from familyhub.hubs.models import Booking, BookingStatus
from familyhub.people.models import Registration
from familyhub.portal.decorators import family_required
from familyhub.services.models import ServiceKind

# Registrations the family side names: services whose name says nothing the family side must
# not (a commissioned or social care service may be a domestic abuse or child protection one).
NAMED_SERVICE_KINDS = (
    ServiceKind.FAMILY_HUB,
    ServiceKind.HEALTH_VISITING,
    ServiceKind.SCHOOL_NURSING,
    ServiceKind.EARLY_HELP,
)


def _render(request, template: str, context: dict) -> HttpResponse:
    return render(request, template, context)


class CommentForm(GovukForm):
    error_names = {"text": "your comment"}

    text = forms.CharField(label="Your comment", widget=forms.Textarea, max_length=2000)


class QuestionForm(GovukForm):
    error_names = {"question": "your question"}

    question = forms.CharField(
        label="Your question",
        widget=forms.Textarea,
        max_length=2000,
        help_text="Our information governance lead will answer. You will see the answer here.",
    )


# --- the pages ---------------------------------------------------------------------------


@family_required
@person_view
def record_home(request: AuthenticatedRequest) -> HttpResponse:
    """Who is on the record, which services are involved and who leads."""
    people = layer.family_people_shown(request.user, purpose="My record")
    return _render(
        request,
        "portal/record/home.html",
        {
            "people": [
                {
                    "person": p,
                    "contact": layer.family_contact_details(request.user, p),
                    "child": _is_child(p),
                }
                for p in people
            ],
            "involved": _services_involved(request.user, people),
        },
    )


def _is_child(person) -> bool:
    """Under 19 (the 0-19 service), or not yet born: who has a red book and a growth chart."""
    born = person.date_of_birth
    if born is None:
        return bool(person.is_unborn)
    return (timezone.localdate() - born).days < 19 * 365.25


def _services_involved(user, people) -> list[dict]:
    """Early help episodes (the lead professional), named health visitors, and registrations
    with services the family side may name."""
    rows: list[dict] = []
    names = {p.pk: p.display_name for p in people}
    episodes = layer.family_records(
        user, Episode.objects.filter(status__in=LIVE_STATUSES)
    ).select_related("team__service", "lead_professional")
    for episode in episodes:
        lead = episode.lead_professional
        rows.append(
            {
                "service": episode.team.service.name,
                "what": "Early help: your family plan",
                "for": names.get(episode.person_id, ""),
                "lead": (lead.get_full_name() or lead.username) if lead else "",
                "lead_role": "Lead professional",
            }
        )
    allocations = layer.family_records(
        user, HealthVisitorAllocation.objects.filter(end__isnull=True)
    ).select_related("team__service", "practitioner")
    for allocation in allocations:
        who = allocation.practitioner
        rows.append(
            {
                "service": allocation.team.service.name,
                "what": "Your named practitioner",
                "for": names.get(allocation.person_id, ""),
                "lead": who.get_full_name() or who.username,
                "lead_role": who.get_role_display(),
            }
        )
    seen = {(r["service"], r["for"]) for r in rows}
    registrations = Registration.objects.filter(
        person_id__in=list(names),
        ended_at__isnull=True,
        confirmed_at__isnull=False,
        service__kind__in=NAMED_SERVICE_KINDS,
    ).select_related("service", "site")
    for registration in registrations:
        service = registration.service
        if service is None:
            continue
        key = (service.name, names.get(registration.person_id, ""))
        if key in seen:
            continue
        seen.add(key)
        where = f" at {registration.site.name}" if registration.site else ""
        rows.append(
            {
                "service": service.name,
                "what": f"Registered{where}",
                "for": key[1],
                "lead": "",
                "lead_role": "",
            }
        )
    return rows


@family_required
@person_view
def record_plan(request: AuthenticatedRequest) -> HttpResponse:
    """The family plan: goals and actions, with the family's comments."""
    people = layer.family_people_shown(request.user, purpose="My family plan")
    episodes = (
        layer.family_records(request.user, Episode.objects.filter(status__in=LIVE_STATUSES))
        .select_related("team__service", "lead_professional", "person")
        .prefetch_related("goals__actions__family_comments")
    )
    return _render(
        request,
        "portal/record/plan.html",
        {"episodes": list(episodes), "people": people, "today": timezone.localdate()},
    )


@family_required
@person_view
def record_action_comment(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """Comment on one action (the practitioner sees it on the plan)."""
    action = _family_action(request, public_id)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            casework_services.family_action_comment(
                action=action, by=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, "Thank you. Your comment is on the plan.")
            return redirect("portal:record_plan")
    layer.log_shown(request.user, [action.goal.episode.person], purpose="Comment on my plan")
    return _render(request, "portal/record/comment.html", {"action": action, "form": form})


@family_required
@person_view
@require_POST
def record_action_done(request: AuthenticatedRequest, public_id) -> HttpResponse:
    action = _family_action(request, public_id)
    try:
        casework_services.family_action_done(action=action, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Marked as done. Your lead professional will see it.")
    return redirect("portal:record_plan")


def _family_action(request, public_id) -> Action:
    key = layer._parse_uuid(public_id)
    if key is None:
        raise Http404("No such action")
    return casework_services.family_action(request.user, key)


@family_required
@person_view
def record_appointments(request: AuthenticatedRequest) -> HttpResponse:
    """What is coming up: reviews of the plan, health reviews due, sessions booked."""
    people = layer.family_people_shown(request.user, purpose="My appointments")
    today = timezone.localdate()
    names = {p.pk: p.display_name for p in people}
    items: list[dict] = []
    for episode in layer.family_records(
        request.user,
        Episode.objects.filter(status__in=LIVE_STATUSES, next_review_due__isnull=False),
    ).select_related("team__service"):
        items.append(
            {
                "when": episode.next_review_due,
                "what": "Review of your family plan",
                "who": names.get(episode.person_id, ""),
                "where": episode.team.service.name,
            }
        )
    for due in layer.family_records(
        request.user,
        ReviewDue.objects.filter(status__in=[DueStatus.DUE], window_end__gte=today, recorded=False),
    ).select_related("owning_service"):
        items.append(
            {
                "when": max(due.window_start, today),
                "what": f"{due.get_kind_display()} (due by {due.window_end:%-d %B %Y})",
                "who": names.get(due.person_id, ""),
                "where": due.owning_service.name,
            }
        )
    for booking in Booking.objects.filter(
        person_id__in=list(names),
        status=BookingStatus.BOOKED,
        session__date__gte=today,
        session__cancelled=False,
    ).select_related("session__activity", "session__site"):
        session = booking.session
        items.append(
            {
                "when": session.date,
                "what": f"{session.activity.name}, {session.start_time:%-I:%M%p}".replace(":00", "")
                .lower()
                .capitalize(),
                "who": names.get(booking.person_id, ""),
                "where": session.site.name,
            }
        )
    items.sort(key=lambda item: item["when"])
    return _render(request, "portal/record/appointments.html", {"items": items, "today": today})


@family_required
@person_view
def record_child(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """A child's growth chart and red book entries (reviews and screening results)."""
    person = layer.family_person(request.user, public_id, purpose="My child's red book")
    measurements = list(
        layer.family_records(request.user, Measurement.objects.filter(person=person)).order_by(
            "-measured_on"
        )
    )
    born = person.date_of_birth
    for m in measurements:
        m.age_text = (
            centiles.age_phrase(born, m.measured_on) if born and born <= m.measured_on else ""
        )
    reviews = layer.family_records(
        request.user, HealthReview.objects.filter(person=person)
    ).order_by("-done_on")
    screenings = layer.family_records(
        request.user, Screening.objects.filter(person=person)
    ).order_by("-screened_on")
    return _render(
        request,
        "portal/record/child.html",
        {
            "person": person,
            "measurements": measurements,
            "growth_charts": growthchart.growth_charts(
                measurements=measurements, sex=person.sex, child_name=person.display_name
            ),
            "reviews": list(reviews),
            "screenings": list(screenings),
        },
    )


@family_required
@person_view
def record_documents(request: AuthenticatedRequest) -> HttpResponse:
    """Notes practitioners have shared with the family. Familyhub holds no documents (letters,
    files) yet: the page says so."""
    layer.family_people_shown(request.user, purpose="Notes shared with me")
    notes = list(
        layer.family_records(request.user, SharedNote.objects.all()).select_related(
            "owning_service", "person"
        )
    )
    contacts = list(
        layer.family_records(request.user, Contact.objects.all()).select_related(
            "owning_service", "person"
        )
    )
    return _render(request, "portal/record/documents.html", {"notes": notes, "contacts": contacts})


@family_required
@person_view
def record_looked(request: AuthenticatedRequest) -> HttpResponse:
    """Who has looked at the record, and the questions asked about it with their answers."""
    from familyhub.access.models import AccessQuestion

    entries = layer.family_access_history(request.user)
    asked = list(AccessQuestion.objects.filter(asked_by=request.user).order_by("-asked_at")[:50])
    return _render(
        request,
        "portal/record/looked.html",
        {"entries": entries, "asked": asked, "shows_names": any(e.staff_name for e in entries)},
    )


@family_required
@person_view
def record_ask(request: AuthenticatedRequest, seq: int) -> HttpResponse:
    """Ask the information governance lead about one entry."""
    entry = next((e for e in layer.family_access_history(request.user) if e.seq == seq), None)
    if entry is None:
        raise Http404("No such entry")
    person = layer.family_person(
        request.user, entry.person_public_id, purpose="Ask about who looked at my record"
    )
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access_services.access_question_ask(
                by=request.user, person=person, log_seq=seq, question=form.cleaned_data["question"]
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(
                request, "Your question has been sent. The answer will be on this page."
            )
            return redirect("portal:record_looked")
    return _render(request, "portal/record/ask.html", {"entry": entry, "form": form})


@family_required
@person_view
def record_consents(request: AuthenticatedRequest) -> HttpResponse:
    people = layer.family_people_shown(request.user, purpose="My consents")
    consents = list(
        Consent.objects.filter(person__in=people, given=True)
        .select_related("person")
        .prefetch_related("services")
        .order_by("withdrawn_at", "-given_on")
    )
    return _render(request, "portal/record/consents.html", {"consents": consents})


@family_required
@person_view
def record_consent_withdraw(request: AuthenticatedRequest, public_id) -> HttpResponse:
    key = layer._parse_uuid(public_id)
    consent = (
        Consent.objects.filter(
            public_id=key, person__in=layer.family_people(request.user), given=True
        )
        .select_related("person")
        .first()
        if key
        else None
    )
    if consent is None:
        raise Http404("No such consent")
    layer.log_shown(request.user, [consent.person], purpose="Withdraw a consent")
    if request.method == "POST" and consent.withdrawn_at is None:
        try:
            access_services.family_consent_withdraw(consent=consent, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, "Consent withdrawn. It has stopped from now.")
        return redirect("portal:record_consents")
    return _render(request, "portal/record/consent_withdraw.html", {"consent": consent})


@family_required
@person_view
def record_data(request: AuthenticatedRequest) -> HttpResponse:
    """The download page: what is in it, what is kept out, and how to ask for everything."""
    people = layer.family_people_shown(request.user, purpose="My data")
    return _render(request, "portal/record/data.html", {"people": people})


@family_required
@person_view
def record_data_download(request: AuthenticatedRequest, fmt: str) -> HttpResponse:
    """The family's own data as a readable PDF or a JSON file (logged as an export)."""
    if fmt not in ("pdf", "json"):
        raise Http404("No such download")
    people = layer.family_people_shown(
        request.user, purpose=f"Download my data ({fmt.upper()})", action="export"
    )
    bundle = subject_access.assemble(
        people, audience=subject_access.FAMILY, user=request.user, made_for=_account_name(request)
    )
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        response = HttpResponse(
            json.dumps(subject_access.as_json(bundle), indent=2, default=str),
            content_type="application/json",
        )
        response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
        return response
    response = HttpResponse(subject_access.as_pdf(bundle), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.pdf"'
    return response


def _account_name(request) -> str:
    user = request.user
    return user.get_full_name() or user.email or user.username
