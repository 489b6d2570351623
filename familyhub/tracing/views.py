"""NHS number tracing pages: a person's trace (ask for one; see the answers), the identifier
completeness report with its list to work through, and the review of differing numbers.

No page calls the Personal Demographics Service: asking for a trace queues a task, so a page
never waits for PDS however slow or refusing it is. People are read through the access layer
and logged; writes go through tracing.services (which log through people.services)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from familyhub.access.layer import log_shown, no_person_data, person_for_viewer, person_view
from familyhub.accounts.http import AuthenticatedRequest
from familyhub.accounts.roles import has_role
from familyhub.core import charts
from familyhub.people.models import ImportStatus, PersonImport
from familyhub.people.services import StaleEdit
from familyhub.services.selectors import authority_of
from familyhub.tracing import selectors, services, work
from familyhub.tracing.forms import ReviewForm
from familyhub.tracing.models import NumberReview, ReviewState, RunState, Trace, TraceRun
from familyhub.tracing.permissions import REPORT_ROLES, RUN_ROLES, TRACE_ROLES

PURPOSE = "NHS number tracing"


def _require(request: AuthenticatedRequest, roles) -> None:
    if not has_role(request.user, roles):
        raise PermissionDenied


@person_view
def person_trace(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """A person's NHS number, its status, and the traces of it; a button to trace it now."""
    _require(request, TRACE_ROLES)
    person = person_for_viewer(request.user, public_id, purpose=PURPOSE)
    if request.method == "POST":
        services.trace_request(person=person, by=request.user)
        messages.success(
            request,
            "The trace is queued. The Personal Demographics Service answers in the background: "
            "this page shows the answer when it comes.",
        )
        return redirect("tracing:person", public_id=person.public_id)
    traces = list(Trace.objects.filter(person=person).select_related("requested_by")[:20])
    review = NumberReview.objects.filter(person=person, state=ReviewState.OPEN).first()
    return render(
        request,
        "tracing/person.html",
        {"person": person, "traces": traces, "review": review, "waiting": _waiting(traces)},
    )


def _waiting(traces: list[Trace]) -> bool:
    return any(not trace.is_done for trace in traces)


@person_view
def index(request: AuthenticatedRequest) -> HttpResponse:
    """The identifier completeness report and the list to work through."""
    _require(request, REPORT_ROLES)
    shares, overall = selectors.completeness(request.user)
    team_id = _int(request.GET.get("team"))
    people = Paginator(selectors.to_work_through(request.user, team_id=team_id), 50).get_page(
        request.GET.get("page")
    )
    rows = list(people)
    log_shown(request.user, rows, purpose="Identifier completeness: children to trace")
    latest = selectors.latest_traces([p.pk for p in rows])
    authority = authority_of(request.user)
    run = TraceRun.objects.filter(authority=authority).first() if authority else None
    return render(
        request,
        "tracing/index.html",
        {
            "shares": shares,
            "overall": overall,
            "bar": selectors.GO_LIVE_SHARE,
            "chart": _chart(shares),
            "page": people,
            "rows": [(p, latest.get(p.pk)) for p in rows],
            "team_id": team_id,
            "run": run,
            "run_live": run is not None and run.state in (RunState.RUNNING, RunState.PAUSED),
            "can_run": has_role(request.user, RUN_ROLES) and authority is not None,
            "reviews": selectors.open_reviews(request.user).count(),
        },
    )


def _int(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _chart(shares: list[selectors.TeamShare]):
    if not shares:
        return ""
    return charts.bar_chart(
        [f"{row.team} ({row.service})" if row.service else row.team for row in shares],
        [charts.Series("Verified NHS number", [charts.Value(row.share) for row in shares])],
        title="Children with a verified NHS number, by team",
        description=(
            f"The share of each team's children whose NHS number is verified, against the "
            f"{selectors.GO_LIVE_SHARE:g}% needed before Child Protection Information Sharing "
            "goes live. The same figures are in the table below the chart."
        ),
        x_label="Children with a verified NHS number (%)",
        target=selectors.GO_LIVE_SHARE,
        target_label="Go-live bar",
        fmt=charts.number(1, suffix="%"),
        maximum=100,
    )


@require_POST
@person_view
def run_start(request: AuthenticatedRequest) -> HttpResponse:
    """Start the background trace of everyone without a verified NHS number."""
    _require(request, RUN_ROLES)
    authority = authority_of(request.user)
    if authority is None:
        raise PermissionDenied
    try:
        run = services.run_start(authority=authority, by=request.user)
    except ValidationError as error:
        messages.info(request, error.messages[0])
        return redirect("tracing:index")
    if run.job is not None:
        return redirect("core:job-progress", public_id=run.job.public_id)
    return redirect("tracing:index")


@no_person_data("counts the people of the user's own import; names none")
def import_trace(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """After an import: trace the NHS numbers of the people it added or linked."""
    _require(request, TRACE_ROLES)
    person_import = get_object_or_404(
        PersonImport, public_id=public_id, created_by=request.user, status=ImportStatus.DONE
    )
    waiting = work.needs_trace(person_import.authority_id, person_import_id=person_import.pk)
    if request.method == "POST":
        try:
            run = services.run_start(
                authority=person_import.authority, by=request.user, person_import=person_import
            )
        except ValidationError as error:
            messages.info(request, error.messages[0])
            return redirect("tracing:import", public_id=person_import.public_id)
        assert run.job is not None
        return redirect("core:job-progress", public_id=run.job.public_id)
    return render(
        request,
        "tracing/import.html",
        {"person_import": person_import, "count": waiting.count()},
    )


@person_view
def reviews(request: AuthenticatedRequest) -> HttpResponse:
    """Differing NHS numbers waiting for a practitioner's decision."""
    _require(request, TRACE_ROLES)
    page = Paginator(selectors.open_reviews(request.user), 50).get_page(request.GET.get("page"))
    log_shown(request.user, [r.person for r in page], purpose="NHS number reviews")
    return render(request, "tracing/reviews.html", {"page": page})


@person_view
def review(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """One differing number: accept PDS's, or keep the register's with a reason."""
    _require(request, TRACE_ROLES)
    item = get_object_or_404(NumberReview.objects.select_related("trace"), public_id=public_id)
    person = person_for_viewer(request.user, item.person.public_id, purpose="NHS number review")
    form = ReviewForm(request.POST or None, initial={"version": person.version})
    if request.method == "POST" and item.state == ReviewState.OPEN and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "accept":
                services.review_accept(
                    review=item,
                    by=request.user,
                    expected_version=data["version"],
                    note=data["note"],
                )
                messages.success(request, "Recorded: the register now holds PDS's NHS number.")
            else:
                services.review_reject(
                    review=item,
                    by=request.user,
                    expected_version=data["version"],
                    note=data["note"],
                )
                messages.success(request, "Recorded: the register keeps its NHS number.")
        except StaleEdit as error:
            form.add_error(None, error.messages[0])
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return redirect("tracing:reviews")
    return render(request, "tracing/review.html", {"review": item, "person": person, "form": form})
