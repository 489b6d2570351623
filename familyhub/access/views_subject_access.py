"""The information governance lead's pages for the family side: subject access requests (a
person's data from every part, for review and redaction, as PDF and JSON, with the deadline of
one calendar month) and the families' questions about who looked at their record."""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from familyhub.access import layer, services, subject_access
from familyhub.access.forms import (
    AccessQuestionAnswerForm,
    SubjectAccessCloseForm,
    SubjectAccessPersonForm,
    SubjectAccessRecordForm,
)
from familyhub.access.layer import no_person_data, person_view
from familyhub.access.models import AccessQuestion, SubjectAccessRequest, SubjectAccessStatus
from familyhub.accounts.http import AuthenticatedRequest
from familyhub.accounts.roles import Role
from familyhub.audit.models import AccessLog
from familyhub.people.models import Person
from familyhub.services.selectors import authority_of


def _require_ig(request) -> None:
    if not (request.user.is_authenticated and request.user.role == Role.IG_LEAD):
        raise PermissionDenied


def _uuid(value) -> uuid.UUID:
    key = layer._parse_uuid(value)
    if key is None:
        raise Http404("Not found")
    return key


def _in_council(request, queryset, field: str = "person__authority"):
    authority = authority_of(request.user)
    return queryset.filter(**{field: authority}) if authority is not None else queryset


def days_left(request_row: SubjectAccessRequest) -> int:
    return (request_row.due_on - timezone.localdate()).days


@no_person_data("lists requests; the people listed are logged as shown")
def subject_access_list(request: AuthenticatedRequest) -> HttpResponse:
    """Open requests, soonest due first, with days left; a form to find the person for a new one."""
    _require_ig(request)
    rows = _in_council(request, SubjectAccessRequest.objects.select_related("person"))
    open_rows = list(rows.filter(status=SubjectAccessStatus.OPEN).order_by("due_on")[:200])
    done = list(rows.exclude(status=SubjectAccessStatus.OPEN).order_by("-closed_at")[:50])
    form = SubjectAccessPersonForm(request.GET or None)
    found: list[Person] = []
    if form.is_bound and form.is_valid():
        found = _find(request, form.cleaned_data)
    layer.log_shown(
        request.user,
        [r.person for r in open_rows + done] + found,
        purpose="Subject access requests",
    )
    return render(
        request,
        "access/subject_access_list.html",
        {
            "open_rows": [(r, days_left(r)) for r in open_rows],
            "done": done,
            "form": form,
            "found": found,
            "searched": form.is_bound and form.is_valid(),
        },
    )


def _find(request, data) -> list[Person]:
    people = _in_council(request, Person.objects.filter(merged_into__isnull=True), "authority")
    if data.get("nhs_number"):
        people = people.filter(nhs_number=data["nhs_number"].replace(" ", ""))
    else:
        people = people.filter(
            family_name__iexact=data["family_name"].strip(), date_of_birth=data["date_of_birth"]
        )
    return list(people.order_by("pk")[:20])


@person_view
def subject_access_new(request: AuthenticatedRequest, public_id) -> HttpResponse:
    _require_ig(request)
    person = layer.person_for_ig_review(
        request.user, public_id, purpose="Record a subject access request"
    )
    form = SubjectAccessRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.subject_access_record(
                person=person,
                by=request.user,
                requested_by=form.cleaned_data["requested_by"],
                received_on=form.cleaned_data["received_on"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, f"Request recorded. It is due by {created.due_on:%-d %B %Y}.")
            return redirect("access:subject-access-request", public_id=created.public_id)
    return render(request, "access/subject_access_new.html", {"form": form, "person": person})


def _request_for(request, public_id) -> SubjectAccessRequest:
    _require_ig(request)
    found = (
        _in_council(request, SubjectAccessRequest.objects.select_related("person", "recorded_by"))
        .filter(public_id=_uuid(public_id))
        .first()
    )
    if found is None:
        raise Http404("No such request")
    return found


@person_view
def subject_access_request(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """One request: the person's data assembled from every part (what to redact marked), the
    downloads, and closing it."""
    sar = _request_for(request, public_id)
    form = SubjectAccessCloseForm(request.POST or None, initial={"version": sar.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.subject_access_close(
                request=sar,
                by=request.user,
                status=form.cleaned_data["status"],
                version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, "Request closed.")
            return redirect("access:subject-access")
    bundle = subject_access.assemble(
        [sar.person], audience=subject_access.STAFF, user=request.user, made_for=sar.requested_by
    )
    layer.log_shown(request.user, [sar.person], purpose="Subject access request: review")
    return render(
        request,
        "access/subject_access_request.html",
        {
            "sar": sar,
            "days_left": days_left(sar),
            "part": bundle.people[0],
            "form": form,
            "to_redact": sum(1 for s in bundle.people[0].sections for r in s.redact if r),
        },
    )


@person_view
def subject_access_export(request: AuthenticatedRequest, public_id, fmt: str) -> HttpResponse:
    """The request's export as PDF or JSON (logged as an export of the person's record)."""
    if fmt not in ("pdf", "json"):
        raise Http404("No such export")
    sar = _request_for(request, public_id)
    bundle = subject_access.assemble(
        [sar.person], audience=subject_access.STAFF, user=request.user, made_for=sar.requested_by
    )
    layer.log_shown(
        request.user,
        [sar.person],
        purpose="Subject access request: export",
        channel="export",
        action="export",
        detail=f"subject access request {sar.public_id} as {fmt}",
    )
    name = f"subject-access-{sar.public_id}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps(subject_access.as_json(bundle), indent=2, default=str),
            content_type="application/json",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    response = HttpResponse(subject_access.as_pdf(bundle), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


# --- the families' questions about who looked at their record --------------------------------


@no_person_data("a queue; the people listed are logged as shown")
def questions(request: AuthenticatedRequest) -> HttpResponse:
    _require_ig(request)
    rows = _in_council(request, AccessQuestion.objects.select_related("person"))
    waiting = list(rows.filter(answered_at__isnull=True).order_by("asked_at")[:200])
    answered = list(rows.filter(answered_at__isnull=False).order_by("-answered_at")[:50])
    layer.log_shown(
        request.user, [q.person for q in waiting + answered], purpose="Questions from families"
    )
    return render(request, "access/questions.html", {"waiting": waiting, "answered": answered})


@person_view
def question(request: AuthenticatedRequest, public_id) -> HttpResponse:
    _require_ig(request)
    asked = (
        _in_council(request, AccessQuestion.objects.select_related("person", "asked_by"))
        .filter(public_id=_uuid(public_id))
        .first()
    )
    if asked is None:
        raise Http404("No such question")
    form = AccessQuestionAnswerForm(request.POST or None, initial={"version": asked.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.access_question_answer(
                question=asked,
                by=request.user,
                answer=form.cleaned_data["answer"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, "Answer sent. The family sees it on their side.")
            return redirect("access:questions")
    entry = AccessLog.objects.filter(seq=asked.log_seq, person_pk=asked.person_id).first()
    layer.log_shown(request.user, [asked.person], purpose="A family's question about access")
    return render(request, "access/question.html", {"asked": asked, "entry": entry, "form": form})


# --- a practitioner protects an address on the family side -----------------------------------


@person_view
def protect_address(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """Withhold a person's address and contact details on the family side, from one member of
    their household (a parent who has left) or from everyone."""
    from familyhub.access.forms import AddressProtectionForm
    from familyhub.access.models import AddressProtection
    from familyhub.people.selectors import current_household

    person = layer.person_for_viewer(request.user, public_id, purpose="Protect an address")
    if not layer.viewer_for(request.user).practitioner:
        raise PermissionDenied
    household = current_household(person)
    members = (
        [
            m.person
            for m in layer.household_members_for_viewer(
                request.user, household, purpose="Protect an address"
            )
            if m.person_id != person.pk
        ]
        if household
        else []
    )
    form = AddressProtectionForm(request.POST or None, household_members=members)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["from_person"]
        try:
            services.address_protection_record(
                person=person,
                by=request.user,
                reason=form.cleaned_data["reason"],
                from_person=next((m for m in members if str(m.public_id) == chosen), None),
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, "The address is now protected on the family side.")
            return redirect("access:protect-address", public_id=person.public_id)
    protections = AddressProtection.objects.filter(person=person, ended_at__isnull=True)
    return render(
        request,
        "access/protect_address.html",
        {"person": person, "form": form, "protections": protections.select_related("from_person")},
    )
