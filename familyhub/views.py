"""The site's home page: what the role comes for, the person's teams and their links.

It lives at the top of the project, above every part: it reads the teams (services) and the
navigation every part registers (core.navigation)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from familyhub.core.navigation import items_for
from familyhub.services.selectors import teams_of

# What each role comes for, in a sentence, at the top of their home page.
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
