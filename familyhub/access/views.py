"""Pages of the access part: the family record, notes, consent, shares, break-glass and the
information governance lead's pages. Every person, family and record comes through access.layer.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Lower, Replace, Trunc, Upper
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from familyhub.access import chronology, involvement, layer, services
from familyhub.access.forms import (
    BreakGlassForm,
    ChronologyMarkForm,
    ConsentForm,
    DecisionForm,
    DecisionReviewForm,
    ExactFindForm,
    LogSearchForm,
    NoteForm,
    ReviewForm,
    ShareForm,
    TimelineFilterForm,
    WithdrawForm,
)
from familyhub.access.layer import no_person_data, person_view
from familyhub.access.models import (
    BASIS_SHORT,
    Basis,
    BreakGlass,
    Consent,
    DecisionNotToShare,
    DecisionReview,
    ReviewStatus,
    Share,
    SharedNote,
    SharingAgreement,
    StaffHomeAddress,
)
from familyhub.access.records import category_choices, category_label
from familyhub.access.routes import route_names, team_routes
from familyhub.access.timeline import family_timeline
from familyhub.accounts.http import AuthenticatedRequest
from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.audit.models import AccessLog
from familyhub.core import charts
from familyhub.core.exports import csv_download
from familyhub.core.templatetags.govuk import when
from familyhub.people.models import Household, Person, Relationship
from familyhub.services.selectors import authority_of, teams_of

# --- helpers -------------------------------------------------------------------------------


def _uuid(value) -> uuid.UUID:
    key = layer._parse_uuid(value)
    if key is None:
        raise Http404("Not found")
    return key


def _simple_form_page(request, form, *, person, save, done: str, redirect_to, title, button):
    """A form on access/simple_form.html: on a valid POST `save(cleaned_data)` runs (a service's
    ValidationError goes back onto the form), then `done` is flashed and `redirect_to` followed."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, done)
            return redirect_to
    context = {"form": form, "person": person, "title": title, "button": button}
    return render(request, "access/simple_form.html", context)


def _is_ig(user) -> bool:
    # Not has_role: a superuser (the administrator) does not read the access log; only the
    # information governance lead does.
    return user.is_authenticated and user.role == Role.IG_LEAD


def _require_ig(request: AuthenticatedRequest) -> None:
    if not _is_ig(request.user):
        raise PermissionDenied


def _current_members(user, household, *, purpose: str, channel: str = "page", action="read"):
    """The household's members the user may see, each logged as shown."""
    return [
        membership.person
        for membership in layer.household_members_for_viewer(
            user, household, purpose=purpose, channel=channel, action=action
        )
    ]


def _household(public_id) -> Household:
    household = Household.objects.filter(public_id=_uuid(public_id)).first()
    if household is None:
        raise Http404("No such family")
    return household


def _relationships(member_ids: list[int]):
    return (
        Relationship.objects.filter(person_id__in=member_ids, relative_id__in=member_ids)
        .filter(end__isnull=True)
        .select_related("person", "relative")
    )


def _own_service(user):
    """The service a practitioner records for: their first team's (teams of one service are
    the norm; someone in two services picks on the form in a later version)."""
    team = teams_of(user).first()
    if team is None:
        raise PermissionDenied("You are not in a team, so you cannot record for a service.")
    return team.service


def not_shared_response(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """The same 404 for absent and not allowed, with the break-glass offer for practitioners
    who typed or followed the person's reference (it says nothing about the person).
    Other parts' person pages may return it when person_for_viewer raises Http404."""
    return render(
        request,
        "access/not_shared.html",
        {
            "public_id": public_id,
            "can_break_glass": layer.viewer_for(request.user).practitioner,
        },
        status=404,
    )


def _person_link(person) -> str:
    try:
        return reverse("people:person", args=[person.public_id])
    except Exception:
        return ""


def _family_context(request: AuthenticatedRequest, members: list, *, household=None) -> dict:
    member_ids = [m.pk for m in members]
    rough = family_timeline(request.user, member_ids)
    form = TimelineFilterForm(request.GET or None, services=rough.services)
    service_id, category = None, ""
    if form.is_bound and form.is_valid():
        service_id = form.cleaned_data.get("service")
        category = form.cleaned_data.get("category") or ""
    filtered = (
        family_timeline(
            request.user, member_ids, service_id=service_id, category=category, count_hidden=False
        )
        if service_id or category
        else rough
    )
    timeline = filtered
    timeline.hidden_count = rough.hidden_count
    own_services = layer.viewer_for(request.user).service_ids
    shares = Share.objects.filter(
        person_id__in=member_ids, owning_service_id__in=own_services, revoked_at__isnull=True
    ).select_related("person", "recipient_team", "recipient_service")
    decisions = DecisionNotToShare.objects.filter(
        person_id__in=member_ids, owning_service_id__in=own_services, ended_at__isnull=True
    ).select_related("person", "recipient_service", "decided_by")
    return {
        "shares": shares,
        "decisions": decisions,
        "household": household,
        "members": [(m, _person_link(m)) for m in members],
        "relationships": _relationships(member_ids),
        "involved": involvement.services_involved(member_ids),
        "timeline": timeline,
        "filter_form": form,
        "filtered": bool(service_id or category),
        "is_practitioner": layer.viewer_for(request.user).practitioner,
    }


# --- the family record ---------------------------------------------------------------------


@person_view
def family(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """One family: members, relationships, services involved and one timeline of what the
    viewer may see. One access-log entry per member shown."""
    household = _household(public_id)
    members = _current_members(request.user, household, purpose="View the family record")
    if not members:
        raise Http404("No such family")
    context = _family_context(request, members, household=household)
    return render(request, "access/family.html", context)


@person_view
def person_family(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """A person's family record: their current household's page, or theirs alone."""
    try:
        person = layer.person_for_viewer(request.user, public_id, purpose="View the family record")
    except Http404:
        return not_shared_response(request, public_id)
    membership = person.household_memberships.filter(
        Q(end__isnull=True) | Q(end__gte=timezone.localdate())
    ).first()
    if membership is not None:
        url = reverse("access:family", args=[membership.household.public_id])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)
    return render(request, "access/family.html", _family_context(request, [person]))


@person_view
def family_export(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """The family timeline as CSV: the same filter as the page, logged as an export."""
    household = _household(public_id)
    members = _current_members(
        request.user,
        household,
        purpose="Export the family timeline",
        channel="export",
        action="export",
    )
    if not members:
        raise Http404("No such family")
    timeline = family_timeline(request.user, [m.pk for m in members])
    rows: list[list[object]] = [["date", "person", "what", "summary", "service", "category"]]
    rows += [
        [
            timezone.localtime(item.when).isoformat(),
            item.person_name,
            item.kind,
            item.summary,
            item.service_name,
            item.category_label,
        ]
        for item in timeline.items
    ]
    if timeline.hidden_count:
        rows.append(["", "", "", f"{timeline.hidden_count} items not shared with you", "", ""])
    return csv_download(rows, filename=f"family-{household.card_number}.csv")


_FAMILY_SCHEMA = inline_serializer(
    "FamilyRecord",
    {
        "id": serializers.UUIDField(),
        "card_number": serializers.CharField(),
        "members": serializers.ListField(child=serializers.DictField()),
        "timeline": serializers.ListField(child=serializers.DictField()),
        "not_shared_count": serializers.IntegerField(),
    },
)
_NOTE_SCHEMA = inline_serializer(
    "CaseNoteSummary",
    {
        "id": serializers.UUIDField(),
        "person": serializers.UUIDField(),
        "title": serializers.CharField(),
        "service": serializers.CharField(),
        "category": serializers.CharField(),
        "recorded_at": serializers.DateTimeField(),
    },
    many=True,
)


@extend_schema(
    operation_id="family_record_retrieve",
    responses={200: _FAMILY_SCHEMA, 404: OpenApiResponse(description="Absent or not yours")},
    parameters=[OpenApiParameter("category", OpenApiTypes.STR, description="Only this category")],
    summary="A family's record: members and the timeline the caller may see",
)
@login_not_required
@person_view
@api_view(["GET"])
def family_api(request: Request, public_id) -> Response:
    """GET /access/api/families/<id>/: the family record as JSON (same rules as the page)."""
    household = _household(public_id)
    members = _current_members(
        request.user, household, purpose="Family record (API)", channel="api"
    )
    if not members:
        raise Http404("No such family")
    timeline = family_timeline(
        request.user,
        [m.pk for m in members],
        category=request.query_params.get("category", ""),
    )
    return Response(
        {
            "id": str(household.public_id),
            "card_number": household.card_number,
            "members": [
                {
                    "id": str(m.public_id),
                    "name": m.display_name,
                    "date_of_birth": m.date_of_birth.isoformat() if m.date_of_birth else None,
                    "postcode": m.postcode,
                }
                for m in members
            ],
            "timeline": [
                {
                    "when": item.when.isoformat(),
                    "kind": item.kind,
                    "summary": item.summary,
                    "person": item.person_name,
                    "service": item.service_name,
                    "category": item.category,
                }
                for item in timeline.items
            ],
            "not_shared_count": timeline.hidden_count,
        }
    )


@extend_schema(
    operation_id="case_notes_search",
    responses=_NOTE_SCHEMA,
    parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="Words in the title or text")],
    summary="Search the case notes the caller may see",
)
@login_not_required
@person_view
@api_view(["GET"])
def notes_api(request: Request) -> Response:
    """GET /access/api/notes/?q=: search the case notes the user may see (title and text)."""
    query = (request.query_params.get("q") or "").strip()
    notes = layer.records_visible_to(request.user, SharedNote.objects.all())
    if query:
        notes = notes.filter(Q(title__icontains=query) | Q(body__icontains=query))
    rows = list(notes.select_related("person", "owning_service").order_by("-recorded_at")[:50])
    people = {note.person_id: note.person for note in rows}
    layer.log_shown(
        request.user,
        list(people.values()),
        action="search",
        purpose="Search case notes (API)",
        channel="api",
        detail=f"q={query[:100]}",
    )
    return Response(
        [
            {
                "id": str(note.public_id),
                "person": str(note.person.public_id),
                "title": note.title,
                "service": note.owning_service.name,
                "category": note.category,
                "recorded_at": note.recorded_at.isoformat(),
            }
            for note in rows
        ]
    )


# --- notes ---------------------------------------------------------------------------------


@person_view
def note_search(request: AuthenticatedRequest) -> HttpResponse:
    """Search the case notes the user may see. Each person in the results is logged once."""
    query = (request.GET.get("q") or "").strip()[:100]
    rows: list = []
    if query:
        notes = layer.records_visible_to(request.user, SharedNote.objects.all()).filter(
            Q(title__icontains=query) | Q(body__icontains=query)
        )
        rows = list(notes.select_related("person", "owning_service").order_by("-recorded_at")[:100])
        people = {note.person_id: note.person for note in rows}
        layer.log_shown(
            request.user,
            list(people.values()),
            action="search",
            purpose="Search case notes",
            channel="search",
            detail=f"q={query}",
        )
    return render(request, "access/note_search.html", {"query": query, "rows": rows})


@person_view
def note(request: AuthenticatedRequest, public_id) -> HttpResponse:
    record = layer.record_for_viewer(
        request.user, SharedNote, public_id, purpose="Read a case note", channel="page"
    )
    can_share = record.owning_service_id in layer.viewer_for(request.user).service_ids
    return render(request, "access/note.html", {"note": record, "can_share": can_share})


@person_view
def note_new(request: AuthenticatedRequest, public_id) -> HttpResponse:
    person = layer.person_for_viewer(request.user, public_id, purpose="Write a case note")
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.note_create(
                person=person,
                by=request.user,
                owning_service=_own_service(request.user),
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                category=form.cleaned_data["category"],
                for_family=form.cleaned_data["for_family"],
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, "Case note saved.")
            return redirect("access:person-family", public_id=person.public_id)
    return render(request, "access/note_form.html", {"form": form, "person": person})


@person_view
def note_share(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """Share one note with a named team or service (its own service's staff only)."""
    record = layer.record_for_viewer(
        request.user, SharedNote, public_id, purpose="Share a case note"
    )
    if record.owning_service_id not in layer.viewer_for(request.user).service_ids:
        raise PermissionDenied("Only the service that holds a note can share it.")
    form = ShareForm(request.POST or None, authority=record.person.authority, whole_record=True)

    def save(data: dict) -> None:
        services.share_create(
            person=record.person,
            by=request.user,
            owning_service=record.owning_service,
            reason=data["reason"],
            recipient_team=data["recipient_team"],
            recipient_service=data["recipient_service"],
            record=record,
            basis=data["basis"],
            article9_condition=data["article9_condition"],
            safeguarding_reason=data["safeguarding_reason"],
        )

    return _simple_form_page(
        request,
        form,
        person=record.person,
        save=save,
        done="Note shared.",
        redirect_to=redirect("access:note", public_id=record.public_id),
        title=f"Share the note: {record.title}",
        button="Share the note",
    )


# --- consent, shares, decisions not to share -----------------------------------------------


@person_view
def consent(request: AuthenticatedRequest, public_id) -> HttpResponse:
    person = layer.person_for_viewer(request.user, public_id, purpose="Consent record")
    form = ConsentForm(request.POST or None, authority=person.authority)
    if request.method == "POST" and form.is_valid():
        services.consent_record(
            person=person,
            by=request.user,
            given=form.cleaned_data["given"],
            method=form.cleaned_data["method"],
            purpose=form.cleaned_data["purpose"],
            services=form.cleaned_data["services"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, "Consent recorded.")
        return redirect("access:consent", public_id=person.public_id)
    consents = (
        Consent.objects.filter(person=person)
        .select_related("taken_by", "withdrawn_by")
        .prefetch_related("services")
    )
    return render(
        request, "access/consent.html", {"person": person, "form": form, "consents": consents}
    )


@person_view
def consent_withdraw(request: AuthenticatedRequest, public_id) -> HttpResponse:
    record = (
        Consent.objects.filter(
            public_id=_uuid(public_id), person__in=layer.visible_people(request.user).values("pk")
        )
        .select_related("person")
        .first()
    )
    if record is None:
        raise Http404("No such consent")
    layer.log_shown(request.user, [record.person], purpose="Withdraw consent")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                consent=record, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, "Consent withdrawn.")
            return redirect("access:consent", public_id=record.person.public_id)
    return render(request, "access/consent_withdraw.html", {"form": form, "consent": record})


@person_view
def share(request: AuthenticatedRequest, public_id) -> HttpResponse:
    person = layer.person_for_viewer(request.user, public_id, purpose="Share information")
    form = ShareForm(request.POST or None, authority=person.authority)

    def save(data: dict) -> None:
        services.share_create(
            person=person,
            by=request.user,
            owning_service=_own_service(request.user),
            reason=data["reason"],
            recipient_team=data["recipient_team"],
            recipient_service=data["recipient_service"],
            category=data["category"],
            basis=data["basis"],
            article9_condition=data["article9_condition"],
            safeguarding_reason=data["safeguarding_reason"],
        )

    return _simple_form_page(
        request,
        form,
        person=person,
        save=save,
        done="Shared.",
        redirect_to=redirect("access:person-family", public_id=person.public_id),
        title=f"Share your service's information about {person.display_name}",
        button="Share",
    )


@person_view
def decide_not_to_share(request: AuthenticatedRequest, public_id) -> HttpResponse:
    person = layer.person_for_viewer(request.user, public_id, purpose="Decision not to share")
    form = DecisionForm(request.POST or None, authority=person.authority)

    def save(data: dict) -> None:
        services.decision_not_to_share_record(
            person=person,
            by=request.user,
            owning_service=_own_service(request.user),
            reason=data["reason"],
            detriment=data["detriment"],
            recipient_service=data["recipient_service"],
            category=data["category"],
        )

    return _simple_form_page(
        request,
        form,
        person=person,
        save=save,
        done="Decision not to share recorded. The information governance lead will review it.",
        redirect_to=redirect("access:person-family", public_id=person.public_id),
        title=f"Record a decision not to share about {person.display_name}",
        button="Record the decision",
    )


# --- break-glass ---------------------------------------------------------------------------


@person_view
def break_glass(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """Ask for emergency access to one person. Says nothing about the person until granted."""
    if not layer.viewer_for(request.user).practitioner:
        raise Http404("No such person")
    person = Person.objects.filter(public_id=_uuid(public_id), merged_into__isnull=True).first()
    if person is not None and layer.can_see(request.user, person):
        return redirect("access:person-family", public_id=public_id)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if person is None:
            raise Http404("No such person")
        try:
            use = services.break_glass_start(
                user=request.user,
                person=person,
                ground=form.cleaned_data["ground"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(
                request,
                f"You have access until {when(use.expires_at)}. The information governance "
                "lead has been told and will review it.",
            )
            return redirect("access:person-family", public_id=person.public_id)
    opened = layer.break_glass_categories()
    return render(
        request,
        "access/break_glass.html",
        {
            "form": form,
            "public_id": public_id,
            "hours": services.break_glass_hours(),
            "categories": sorted(category_label(c) for c in opened),
            "kept": sorted(label for value, label in category_choices() if value not in opened),
        },
    )


@no_person_data("a search form; it reveals only whether exact identifiers match, logged")
def break_glass_find(request: AuthenticatedRequest) -> HttpResponse:
    """Find people by exact identifiers (NHS number, or family name + date of birth + postcode),
    to reach their record or the break-glass page. No partial matches: someone who does not
    already know who they are looking for cannot browse the register from here. Every record
    that matches is listed (minimal view, logged): two records sharing one NHS number are
    probably one person registered twice, and the page says so."""
    viewer = layer.viewer_for(request.user)
    if not viewer.practitioner:
        raise PermissionDenied
    form = ExactFindForm(request.GET or None)
    results: list[dict] = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        people = Person.objects.filter(
            merged_into__isnull=True, authority_id__in=viewer.authority_ids
        )
        if data.get("nhs_number"):
            people = people.filter(nhs_number=data["nhs_number"])
        else:
            postcode = data["postcode"].replace(" ", "").upper()
            people = people.annotate(pc=Replace(Upper("postcode"), Value(" "), Value(""))).filter(
                family_name__iexact=data["family_name"].strip(),
                date_of_birth=data["date_of_birth"],
                pc=postcode,
            )
        found = layer.match_candidates(
            request.user,
            people.order_by("pk").values_list("pk", flat=True)[:20],
            purpose="Exact identifier search",
            channel="search",
        )
        visible = layer.visible_among(request.user, [p.pk for p in found], viewer=viewer)
        results = [{"person": p, "visible": p.pk in visible} for p in found]
    return render(
        request,
        "access/find.html",
        {
            "form": form,
            "results": results,
            "searched": form.is_bound and form.is_valid(),
            "duplicates": len(results) > 1,
        },
    )


# --- information governance ----------------------------------------------------------------


def _people_for_log_search(text: str) -> list[Person]:
    """Every record an IG lead's search names: a Familyhub reference, an NHS number (every record
    holding it: duplicates included) or a family card number (everyone who has lived there)."""
    key = layer._parse_uuid(text)
    if key:
        return list(Person.objects.filter(public_id=key))
    compact = "".join(text.split()).upper()
    if compact.isdigit():
        return list(Person.objects.filter(nhs_number=compact).order_by("pk"))
    household = Household.objects.filter(card_number__iexact=compact).first()
    if household is None:
        return []
    return list(
        Person.objects.filter(household_memberships__household=household).distinct().order_by("pk")
    )


@person_view
def log_search(request: AuthenticatedRequest) -> HttpResponse:
    """The information governance lead's search of the log, under the latest entries (each with
    the person's name: those people are shown, so logged)."""
    _require_ig(request)
    form = LogSearchForm(request.GET or None)
    found: list[Person] = []
    rows: list = []
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["person"].strip()
        username = form.cleaned_data["username"].strip()
        if text:
            found = _people_for_log_search(text)
            if not found:
                form.add_error(
                    "person", "No one has that NHS number, family card number or reference"
                )
            elif len(found) == 1:
                return redirect("access:log-person", public_id=found[0].public_id)
            else:
                # Several records: their log together, so nothing on one of them is missed.
                for person in found:
                    layer.person_for_ig_review(request.user, person.public_id)
                rows = list(
                    AccessLog.objects.filter(person_pk__in=[p.pk for p in found])
                    .select_related("user")
                    .order_by("-seq")[:500]
                )
        elif username:
            user = User.objects.filter(username=username).first()
            if user is None:
                form.add_error("username", "No member of staff has that username")
            else:
                return redirect("access:log-user", public_id=user.public_id)
        else:
            form.add_error(
                "person",
                "Enter an NHS number, a family card number or a reference, or a username",
            )
    recent = _with_names(list(AccessLog.objects.select_related("user").order_by("-seq")[:50]))
    layer.log_shown(
        request.user,
        [person for _, person in recent if person is not None],
        purpose="Access log review: the latest entries",
    )
    return render(
        request,
        "access/log_search.html",
        {
            "form": form,
            "recent": recent,
            "found": found,
            "rows": _with_names(rows),
        },
    )


def _with_names(rows: list) -> list[tuple]:
    """Log rows with the person's name, for the information governance lead (who may look
    anyone up: the names shown are logged as their reads)."""
    people = {p.pk: p for p in Person.objects.filter(pk__in={row.person_pk for row in rows})}
    return [(row, people.get(row.person_pk)) for row in rows]


@person_view
def log_person(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """Who has seen this person's record: the information governance lead only."""
    person = layer.person_for_ig_review(request.user, public_id)
    rows = AccessLog.objects.filter(person_pk=person.pk).select_related("user").order_by("-seq")
    return render(
        request,
        "access/log_person.html",
        {"person": person, "rows": [(row, person) for row in rows[:500]], "total": rows.count()},
    )


@person_view
def log_user(request: AuthenticatedRequest, public_id) -> HttpResponse:
    _require_ig(request)
    staff = User.objects.filter(public_id=_uuid(public_id)).first()
    if staff is None:
        raise Http404("No such member of staff")
    rows = AccessLog.objects.filter(user=staff).order_by("-seq")
    shown = list(rows[:500])
    layer.log_shown(
        request.user,
        list({row.person_pk for row in shown}),
        purpose=f"Access log review of {staff.get_full_name() or staff.username}",
    )
    return render(
        request,
        "access/log_user.html",
        {"staff": staff, "rows": _with_names(shown), "total": rows.count()},
    )


def _unusual_days() -> int:
    return int(getattr(settings, "FAMILYHUB_UNUSUAL_ACCESS_DAYS", 30))


def _unusual_threshold() -> int:
    return int(getattr(settings, "FAMILYHUB_UNUSUAL_ACCESS_PER_HOUR", 50))


def unusual_access(*, days: int | None = None, threshold: int | None = None) -> dict:
    """The three signals of unusual access, computed in the database."""
    since = timezone.now() - timedelta(days=days or _unusual_days())
    limit = threshold or _unusual_threshold()
    recent = AccessLog.objects.filter(occurred_at__gte=since, user__isnull=False)
    person = Person.objects.filter(pk=OuterRef("person_pk"))
    staff_postcode = StaffHomeAddress.objects.filter(user_id=OuterRef("user_id")).values(
        "postcode"
    )[:1]
    close = (
        recent.annotate(
            person_surname=Lower(Subquery(person.values("family_name")[:1])),
            staff_surname=Lower("user__last_name"),
            person_postcode=Replace(
                Upper(Subquery(person.values("postcode")[:1])), Value(" "), Value("")
            ),
            home_postcode=Replace(Upper(Subquery(staff_postcode)), Value(" "), Value("")),
        )
        .filter(
            Q(person_surname=F("staff_surname"), staff_surname__gt="")
            | Q(person_postcode=F("home_postcode"), home_postcode__gt="")
        )
        .exclude(action="search")
        .select_related("user")
        .order_by("-seq")[:200]
    )
    bulk = (
        recent.annotate(hour=Trunc("occurred_at", "hour"))
        .values("user_id", "username", "user__public_id", "hour")
        .annotate(people=Count("person_pk", distinct=True))
        .filter(people__gte=limit)
        .order_by("-hour")[:200]
    )
    glass = BreakGlass.objects.filter(started_at__gte=since).select_related("user", "reviewed_by")
    return {"close": list(close), "bulk": list(bulk), "glass": list(glass), "threshold": limit}


@person_view
def unusual(request: AuthenticatedRequest) -> HttpResponse:
    _require_ig(request)
    context = unusual_access()
    context["close"] = _with_names(context["close"])
    context["days"] = _unusual_days()
    shown = [row.person_pk for row, _ in context["close"]] + [u.person_id for u in context["glass"]]
    layer.log_shown(request.user, shown, purpose="Unusual access review")
    return render(request, "access/unusual.html", context)


@person_view
def break_glass_reviews(request: AuthenticatedRequest) -> HttpResponse:
    _require_ig(request)
    uses = BreakGlass.objects.select_related("user", "reviewed_by", "person")
    pending = list(uses.filter(review_status=ReviewStatus.PENDING).order_by("started_at"))
    done = list(uses.exclude(review_status=ReviewStatus.PENDING).order_by("-reviewed_at")[:100])
    layer.log_shown(request.user, [u.person for u in pending + done], purpose="Break-glass reviews")
    return render(request, "access/break_glass_reviews.html", {"pending": pending, "done": done})


@person_view
def break_glass_review(request: AuthenticatedRequest, public_id) -> HttpResponse:
    _require_ig(request)
    use = (
        BreakGlass.objects.filter(public_id=_uuid(public_id))
        .select_related("user", "person", "reviewed_by")
        .first()
    )
    if use is None:
        raise Http404("No such break-glass use")
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass_review(
                use=use,
                by=request.user,
                justified=form.cleaned_data["verdict"] == "justified",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.apply_errors(error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Review saved.")
            return redirect("access:break-glass-reviews")
    accesses = AccessLog.objects.filter(
        user=use.user,
        person_pk=use.person_id,
        occurred_at__gte=use.started_at,
        occurred_at__lte=use.expires_at,
    ).order_by("seq")
    layer.log_shown(request.user, [use.person], purpose="Break-glass review")
    return render(
        request,
        "access/break_glass_review.html",
        {"use": use, "form": form, "accesses": [(row, use.person) for row in accesses]},
    )


def agreements(request: AuthenticatedRequest) -> HttpResponse:
    """The data-sharing protocol as it stands, for everyone to read (administrators edit it in
    the administration site). Shows no person data."""
    rows = SharingAgreement.objects.select_related("owner_service", "recipient_service")
    role_names = dict(Role.choices)
    view_rows = [
        {
            "agreement": a,
            "roles": ", ".join(role_names.get(r, r) for r in a.roles) or "Every practitioner",
            "categories": ", ".join(category_label(c) for c in a.categories),
        }
        for a in rows
    ]
    return render(request, "access/agreements.html", {"rows": view_rows})


@no_person_data("counts of people by route and team only: no names, no identifiers")
def routes(request: AuthenticatedRequest) -> HttpResponse:
    """The routes into a record: how each kind of work with a family opens it, and to how many
    people for each team and role, so the information governance lead can see involvement is
    no broader than "my team works with this family"."""
    _require_ig(request)
    authority = authority_of(request.user)
    rows = list(team_routes(authority.pk)) if authority is not None else []
    return render(
        request,
        "access/routes.html",
        {
            "names": route_names(),
            "rows": rows,
            "by_locality": settings.FAMILYHUB_INVOLVEMENT_BY_LOCALITY,
            "days": {
                kind: involvement.days_after_end(kind)
                for kind in ("episode", "referral", "session")
            },
        },
    )


# --- decisions not to share: the information governance lead's review -----------------------


def _decisions_in_scope(user):
    """Decisions about people of the IG lead's council (its services own them)."""
    authority = authority_of(user)
    decisions = DecisionNotToShare.objects.select_related(
        "person", "owning_service", "recipient_service", "decided_by", "reviewed_by"
    )
    if authority is None:
        return decisions.none()
    return decisions.filter(owning_service__authority=authority)


@person_view
def decision_reviews(request: AuthenticatedRequest) -> HttpResponse:
    """Decisions not to share waiting for the information governance lead, and those done.
    The lead reads them as break-glass reviews are read: every person listed is logged."""
    _require_ig(request)
    decisions = _decisions_in_scope(request.user)
    pending = list(
        decisions.filter(review_outcome=DecisionReview.PENDING).order_by("decided_at")[:200]
    )
    done = list(
        decisions.exclude(review_outcome=DecisionReview.PENDING).order_by("-reviewed_at")[:100]
    )
    layer.log_shown(
        request.user, [d.person for d in pending + done], purpose="Decisions not to share: review"
    )
    return render(request, "access/decision_reviews.html", {"pending": pending, "done": done})


@person_view
def decision_review(request: AuthenticatedRequest, public_id) -> HttpResponse:
    _require_ig(request)
    decision = _decisions_in_scope(request.user).filter(public_id=_uuid(public_id)).first()
    if decision is None:
        raise Http404("No such decision")
    form = DecisionReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_review(
                decision=decision,
                by=request.user,
                uphold=form.cleaned_data["verdict"] == "uphold",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.apply_errors(error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Review saved.")
            return redirect("access:decision-reviews")
    layer.log_shown(request.user, [decision.person], purpose="Decision not to share: review")
    return render(request, "access/decision_review.html", {"decision": decision, "form": form})


# --- the information governance lead's report: sharing by basis and service ----------------


def _report_since():
    return timezone.now() - timedelta(days=365)


@no_person_data("counts of shares and decisions by basis and service only: no names")
def sharing_report(request: AuthenticatedRequest) -> HttpResponse:
    """Shares by lawful basis and by owning service over the last 12 months (a table and a bar
    chart), and decisions not to share by service with their review state. Counts only; each
    count of shares leads to the list (sharing_report_shares), which shows people and logs."""
    _require_ig(request)
    authority = authority_of(request.user)
    since = _report_since()
    shares = Share.objects.filter(shared_at__gte=since)
    decisions = DecisionNotToShare.objects.filter(decided_at__gte=since)
    if authority is None:
        shares, decisions = shares.none(), decisions.none()
    else:
        shares = shares.filter(owning_service__authority=authority)
        decisions = decisions.filter(owning_service__authority=authority)
    bases = list(Basis)
    counts: dict[tuple[int, str], int] = {}
    names: dict[int, str] = {}
    for row in shares.values("owning_service_id", "owning_service__name", "basis").annotate(
        n=Count("pk")
    ):
        counts[(row["owning_service_id"], row["basis"])] = row["n"]
        names[row["owning_service_id"]] = row["owning_service__name"]
    service_ids = sorted(names, key=lambda pk: names[pk])
    share_rows = [
        {
            "service_id": pk,
            "service": names[pk],
            "cells": [(basis.value, counts.get((pk, basis.value), 0)) for basis in bases],
            "total": sum(counts.get((pk, b.value), 0) for b in bases),
        }
        for pk in service_ids
    ]
    totals = [(b.value, sum(counts.get((pk, b.value), 0) for pk in service_ids)) for b in bases]
    chart = (
        charts.bar_chart(
            [names[pk] for pk in service_ids],
            [
                charts.Series(
                    BASIS_SHORT[basis],
                    [charts.Value(counts.get((pk, basis.value), 0)) for pk in service_ids],
                )
                for basis in bases
            ],
            title="Shares by service and lawful basis, last 12 months",
            description=(
                f"Shares made by {len(service_ids)} services in the last 12 months, by lawful "
                "basis. The same figures are in the table below the chart."
            ),
            x_label="Number of shares",
            fmt=charts.number(0),
        )
        if service_ids
        else ""
    )
    decision_counts: dict[tuple[int, str], int] = {}
    decision_names: dict[int, str] = {}
    for row in decisions.values(
        "owning_service_id", "owning_service__name", "review_outcome"
    ).annotate(n=Count("pk")):
        decision_counts[(row["owning_service_id"], row["review_outcome"])] = row["n"]
        decision_names[row["owning_service_id"]] = row["owning_service__name"]
    outcomes = list(DecisionReview)
    decision_rows = [
        {
            "service": decision_names[pk],
            "cells": [decision_counts.get((pk, o.value), 0) for o in outcomes],
        }
        for pk in sorted(decision_names, key=lambda pk: decision_names[pk])
    ]
    return render(
        request,
        "access/sharing_report.html",
        {
            "bases": [(b.value, BASIS_SHORT[b]) for b in bases],
            "share_rows": share_rows,
            "totals": totals,
            "chart": chart,
            "outcomes": [o.label for o in outcomes],
            "decision_rows": decision_rows,
            "since": since,
        },
    )


@person_view
def sharing_report_shares(request: AuthenticatedRequest) -> HttpResponse:
    """The shares behind one count of the report (a basis, optionally one service): who was
    shared, by whom, with whom and why. The IG lead's review read: every person listed is
    logged, as on the break-glass reviews."""
    _require_ig(request)
    authority = authority_of(request.user)
    basis = request.GET.get("basis", "")
    if basis not in Basis.values:
        raise Http404("No such basis")
    shares = Share.objects.filter(shared_at__gte=_report_since(), basis=basis).select_related(
        "person", "owning_service", "recipient_team", "recipient_service", "shared_by"
    )
    shares = shares.filter(owning_service__authority=authority) if authority else shares.none()
    service = request.GET.get("service", "")
    if service:
        if not service.isdigit():
            raise Http404("No such service")
        shares = shares.filter(owning_service_id=int(service))
    rows = list(shares.order_by("-shared_at")[:200])
    layer.log_shown(request.user, [s.person for s in rows], purpose="Sharing report: shares")
    return render(
        request,
        "access/sharing_report_shares.html",
        {"rows": rows, "basis_label": BASIS_SHORT[Basis(basis)]},
    )


# --- the chronology --------------------------------------------------------------------------


@person_view
def person_chronology(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """A child's significant-events chronology (access.chronology), printable; a practitioner
    who may see the child marks an event significant or not with a one-line note."""
    person = layer.person_for_viewer(request.user, public_id, purpose="Chronology")
    form = ChronologyMarkForm(request.POST or None)
    marking = request.POST.get("event", "") if request.method == "POST" else ""
    if request.method == "POST":
        found = chronology.find_event(request.user, person, marking)
        if found is None:
            form.is_valid()
            form.add_error(None, "That event is not on this chronology")
        elif form.is_valid():
            event, record = found
            owner = chronology.owner_for_mark(request.user, event)
            try:
                if owner is None:
                    raise ValidationError(
                        {"note": "You are not in a team, so you cannot mark events"}
                    )
                services.chronology_mark(
                    person=person,
                    by=request.user,
                    record=record,
                    owning_service=owner,
                    category=event.category,
                    significant=form.cleaned_data["significance"] == "yes",
                    note=form.cleaned_data["note"],
                    version=form.cleaned_data["version"] or None,
                )
            except ValidationError as error:
                form.apply_errors(error)
            else:
                messages.success(request, "Chronology updated.")
                url = reverse("access:person-chronology", args=[person.public_id])
                return redirect(url + ("?all=1" if request.GET.get("all") else ""))
    show_all = bool(request.GET.get("all"))
    events = chronology.events_for(request.user, person)
    shown = events if show_all else [e for e in events if e.significant]
    return render(
        request,
        "access/chronology.html",
        {
            "person": person,
            "events": shown,
            "total": len(events),
            "show_all": show_all,
            "form": form,
            "marking": marking,
            "printed": timezone.localdate(),
            "can_mark": layer.viewer_for(request.user).practitioner,
        },
    )
