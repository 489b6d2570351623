"""The returns page: each return's period, status, counts, its lawful basis, the failures as a
worklist by team (each naming the child, the field and where a practitioner fixes it), the file
and who generated it when. People named on the page are read under the return's lawful basis and
logged; the download logs everyone in the file."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from familyhub.access import layer
from familyhub.accounts.http import AuthenticatedRequest
from familyhub.accounts.roles import require_role
from familyhub.core.pagination import Page, query_without_page
from familyhub.returns import services
from familyhub.returns.forms import GenerateForm, SentForm
from familyhub.returns.kinds import SPECS, latest_complete_period, period_text
from familyhub.returns.models import ReturnKind, ReturnRun, ReturnStatus, ValidationFailure
from familyhub.returns.permissions import RETURNS_ROLES
from familyhub.services.selectors import authority_of

FAILURES_PAGE_SIZE = 100


def _authority(request: AuthenticatedRequest):
    authority = authority_of(request.user)
    if authority is None:
        raise Http404("No council is set up yet")
    return authority


def _run_or_404(request: AuthenticatedRequest, public_id) -> ReturnRun:
    return get_object_or_404(
        ReturnRun.objects.select_related("generated_by", "sent_by", "job"),
        public_id=public_id,
        authority=_authority(request),
    )


@require_role(RETURNS_ROLES)
def index(request: AuthenticatedRequest) -> HttpResponse:
    authority = _authority(request)
    today = timezone.localdate()
    if request.method == "POST":
        form = GenerateForm(request.POST)
        if form.is_valid():
            run = services.return_enqueue(
                kind=form.cleaned_data["kind"],
                period=form.parsed,
                authority=authority,
                by=request.user,
            )
            assert run.job is not None
            return redirect("core:job-progress", public_id=run.job.public_id)
    else:
        kind = ReturnKind.CSDS
        form = GenerateForm(
            initial={"kind": kind, "period": period_text(kind, latest_complete_period(kind, today))}
        )
    runs = list(
        ReturnRun.objects.filter(authority=authority)
        .select_related("generated_by")
        .defer("file_bytes")[:50]
    )
    suggestions = [
        (SPECS[k].title, period_text(k, latest_complete_period(k, today))) for k in SPECS
    ]
    return render(
        request,
        "returns/index.html",
        {"form": form, "runs": runs, "specs": SPECS.values(), "suggestions": suggestions},
    )


@layer.person_view
@require_role(RETURNS_ROLES)
def run(request: AuthenticatedRequest, public_id) -> HttpResponse:
    return_run = _run_or_404(request, public_id)
    spec = SPECS[return_run.kind]
    failures = ValidationFailure.objects.filter(run=return_run)
    by_team = list(
        failures.values("team_id", "team__name").annotate(count=Count("pk")).order_by("team__name")
    )
    team = request.GET.get("team", "")
    shown = failures
    if team == "none":
        shown = failures.filter(team__isnull=True)
    elif team.isdigit():
        shown = failures.filter(team_id=int(team))
    page = Page.of(request.GET.get("page"), total=shown.count(), size=FAILURES_PAGE_SIZE)
    rows = list(shown.select_related("person", "team")[page.start : page.end])
    named = [row.person for row in rows if row.person is not None]
    layer.log_shown(
        request.user,
        named,
        purpose=f"Statutory return worklist: {spec.title} {return_run.period_label}",
        detail=f"return {return_run.public_id}; under the return's lawful basis",
    )
    return render(
        request,
        "returns/run.html",
        {
            "run": return_run,
            "spec": spec,
            "by_team": by_team,
            "rows": rows,
            "page": page,
            "team": team,
            "filter_query": query_without_page(request.GET),
            "counts": sorted(return_run.counts.items()),
            "sent_form": SentForm(initial={"version": return_run.version}),
            "can_send": return_run.status == ReturnStatus.VALIDATED,
        },
    )


@layer.person_view
@require_role(RETURNS_ROLES)
def download(request: AuthenticatedRequest, public_id) -> HttpResponse:
    return_run = _run_or_404(request, public_id)
    if not return_run.file_bytes:
        raise Http404("This return has no file yet")
    services.return_download_logged(return_run, request.user)
    response = HttpResponse(bytes(return_run.file_bytes), content_type=return_run.content_type)
    response["Content-Disposition"] = f'attachment; filename="{return_run.file_name}"'
    return response


@require_POST
@layer.no_person_data("marks a return as sent; shows no one")
@require_role(RETURNS_ROLES)
def mark_sent(request: AuthenticatedRequest, public_id) -> HttpResponse:
    return_run = _run_or_404(request, public_id)
    form = SentForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else -1
    try:
        services.return_mark_sent(return_run, by=request.user, version=version)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("returns:run", public_id=return_run.public_id)
