"""The information governance lead's retention pages: batches of records due for destruction
(approve or reject, with a reason), the schedules in force, and legal holds. Only the lead
(not a superuser: the same rule as the access log's pages). People are read here as the lead
reads the access log: every person a page names is logged as shown."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from familyhub.access import layer
from familyhub.access.layer import person_view
from familyhub.accounts.http import AuthenticatedRequest
from familyhub.accounts.roles import Role
from familyhub.people.models import Household, Person
from familyhub.retention import services
from familyhub.retention.forms import DecisionForm, HoldForm, LiftForm
from familyhub.retention.models import (
    REGISTER_ENTRY,
    BatchStatus,
    DestructionBatch,
    ItemOutcome,
    LegalHold,
)
from familyhub.retention.rules import ScheduleBook, covered_models, record_type
from familyhub.services.models import ServiceKind
from familyhub.services.selectors import authority_of


def _require_ig(request: AuthenticatedRequest):
    """The lead's council; 403 for anyone else."""
    if not (request.user.is_authenticated and request.user.role == Role.IG_LEAD):
        raise PermissionDenied
    authority = authority_of(request.user)
    if authority is None:
        raise PermissionDenied("You are not in a council's team.")
    return authority


def _uuid(value) -> uuid.UUID:
    key = layer._parse_uuid(value)
    if key is None:
        raise Http404("Not found")
    return key


def _type_names() -> dict[str, str]:
    names = {record_type(m): str(m._meta.verbose_name).capitalize() for m in covered_models()}
    names[REGISTER_ENTRY] = "Register entry (the person)"
    return names


@person_view
def home(request: AuthenticatedRequest) -> HttpResponse:
    authority = _require_ig(request)
    batches = DestructionBatch.objects.filter(authority=authority).annotate(
        size=Count("items"),
        destroyed=Count("items", filter=Q(items__outcome=ItemOutcome.DESTROYED)),
    )
    holds = list(
        LegalHold.objects.filter(authority=authority, lifted_at__isnull=True).select_related(
            "person", "household", "set_by"
        )
    )
    layer.log_shown(
        request.user, [h.person for h in holds if h.person], purpose="Retention: legal holds"
    )
    context = {
        "pending": batches.filter(status=BatchStatus.PENDING).order_by("listed_at"),
        "decided": batches.exclude(status=BatchStatus.PENDING).order_by("-decided_at")[:50],
        "holds": holds,
    }
    return render(request, "retention/home.html", context)


@person_view
def batch(request: AuthenticatedRequest, public_id) -> HttpResponse:
    authority = _require_ig(request)
    found = (
        DestructionBatch.objects.filter(authority=authority, public_id=_uuid(public_id))
        .select_related("decided_by")
        .first()
    )
    if found is None:
        raise Http404("No such batch")
    form = DecisionForm(request.POST or None, initial={"version": found.version})
    if request.method == "POST" and found.status == BatchStatus.PENDING and form.is_valid():
        data = form.cleaned_data
        decide = services.approve if data["decision"] == "approve" else services.reject
        try:
            decide(found, by=request.user, reason=data["reason"], version=data["version"])
        except ValidationError as error:
            form.apply_errors(error)
        else:
            if data["decision"] == "approve":
                messages.success(request, "Batch approved: the records have been destroyed.")
            else:
                messages.success(request, "Batch rejected: the records are kept.")
            return redirect("retention:home")
    items = list(found.items.select_related("schedule"))
    people = {p.pk: p for p in Person.objects.filter(pk__in={i.person_pk for i in items})}
    layer.log_shown(request.user, list(people.values()), purpose="Retention: records due")
    names = _type_names()
    rows = [(item, people.get(item.person_pk), names.get(item.record_type)) for item in items]
    context = {"batch": found, "rows": rows, "form": form}
    return render(request, "retention/batch.html", context)


def schedules(request: AuthenticatedRequest) -> HttpResponse:
    """The schedules in force for the lead's council, and the one each kind of record falls
    under for each kind of service: no person data."""
    authority = _require_ig(request)
    book = ScheduleBook.load()
    kinds = list(ServiceKind.choices)
    coverage = []
    for label, name in _type_names().items():
        applies = [book.schedule_for(label, kind, authority.pk) for kind, _ in kinds]
        coverage.append((name, label, applies))
    own = [s for s in book.schedules if s.authority_id in (None, authority.pk)]
    context = {"schedules": own, "coverage": coverage, "kinds": kinds}
    return render(request, "retention/schedules.html", context)


def _hold_subject(text: str) -> tuple[Person | None, Household | None]:
    key = layer._parse_uuid(text)
    if key:
        return Person.objects.filter(public_id=key).first(), None
    compact = "".join(text.split()).upper()
    if compact.isdigit():
        return Person.objects.filter(nhs_number=compact, merged_into=None).first(), None
    return None, Household.objects.filter(card_number__iexact=compact).first()


@person_view
def hold_new(request: AuthenticatedRequest) -> HttpResponse:
    authority = _require_ig(request)
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person, household = _hold_subject(form.cleaned_data["subject"])
        in_council = (person and person.authority_id == authority.pk) or (
            household and household.authority_id == authority.pk
        )
        if not in_council:
            form.add_error("subject", "No person or family in your council has that number")
        else:
            try:
                services.set_hold(
                    by=request.user,
                    authority=authority,
                    reason=form.cleaned_data["reason"],
                    person=person,
                    household=household,
                )
            except ValidationError as error:
                form.apply_errors(error)
            else:
                messages.success(request, "Legal hold set: these records will not be destroyed.")
                return redirect("retention:home")
    return render(request, "retention/hold_form.html", {"form": form})


@person_view
def hold_lift(request: AuthenticatedRequest, public_id) -> HttpResponse:
    authority = _require_ig(request)
    hold = (
        LegalHold.objects.filter(authority=authority, public_id=_uuid(public_id))
        .select_related("person", "household", "set_by")
        .first()
    )
    if hold is None:
        raise Http404("No such hold")
    form = LiftForm(request.POST or None, initial={"version": hold.version})
    if request.method == "POST" and hold.is_active and form.is_valid():
        try:
            services.lift_hold(
                hold=hold,
                by=request.user,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, "Legal hold lifted.")
            return redirect("retention:home")
    if hold.person:
        layer.log_shown(request.user, [hold.person], purpose="Retention: legal hold")
    return render(request, "retention/hold_lift.html", {"hold": hold, "form": form})
