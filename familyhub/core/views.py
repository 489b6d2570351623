from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from familyhub.core.models import Job
from familyhub.core.navigation import items_for
from familyhub.services.selectors import teams_of

# What each role comes for, in a sentence, at the top of their home page (DESIGN.md).
ROLE_PURPOSE = {
    "reception": "Register families once, book them onto sessions and take registers at the door.",
    "family_support_worker": "Your families, their plans and the sessions they come to.",
    "lead_professional": "Your caseload: assessments, family plans, team around the family and reviews.",
    "health_visitor": "Your reviews due and overdue, and the families on your caseload.",
    "school_nurse": "Reviews, screening and measurements for the school-age children you see.",
    "triage_officer": "The front door queue: decide each referral's level of need within its deadline.",
    "team_leader": "Your team's caseloads, allocation and overdue work.",
    "service_manager": "Caseloads, flow and quality across your service.",
    "commissioner": "Outcomes by area and deprivation, reach, contracts and planning scenarios.",
    "ig_lead": "Who saw what: the access log, break-glass reviews and unusual access.",
    "administrator": "Accounts, teams, sites and the reference data the service runs on.",
}


def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user  # signed in: LoginRequiredMiddleware
    teams = list(teams_of(user))
    localities = sorted({team.locality.name for team in teams if team.locality})
    return render(
        request,
        "core/home.html",
        {
            "purpose": ROLE_PURPOSE.get(user.role, ""),
            "teams": teams,
            "localities": localities,
            "links": items_for(user),
        },
    )


@login_not_required
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: answers without a database query."""
    return JsonResponse({"status": "ok"})


def job_progress(request: HttpRequest, public_id) -> HttpResponse:
    """The progress page of a background job; only the person who started it may watch it."""
    job = get_object_or_404(Job, public_id=public_id, created_by=request.user)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": job.status,
                "percent": job.percent,
                "done": job.done,
                "total": job.total,
                "message": job.message,
                "result_url": job.result_url,
            }
        )
    return render(request, "core/job_progress.html", {"job": job})
