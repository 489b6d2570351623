"""The duplicate review queue: pairs the batch found, for a team leader or service manager to
confirm (merge) or reject. Every person shown comes through the access layer and is logged."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from familyhub.access.layer import log_shown, person_for_viewer, person_view, visible_people
from familyhub.accounts.http import AuthenticatedRequest
from familyhub.accounts.roles import Role, has_role
from familyhub.matching import services
from familyhub.matching.forms import DecisionForm
from familyhub.matching.models import ReviewPair, ReviewStatus

# Merging records changes what every service sees, so it is for people who answer for a team's
# records. Reception finds duplicates at registration, where the search shows them.
REVIEW_ROLES = frozenset({Role.TEAM_LEADER, Role.SERVICE_MANAGER})
PURPOSE = "Duplicate review"
FIELDS = (
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("date_of_birth", "Date of birth"),
    ("postcode", "Postcode"),
    ("nhs_number", "NHS number"),
    ("sex", "Sex"),
)
SHOWN = {"agree": "Same", "close": "Nearly the same", "differ": "Different", "missing": "Missing"}


def _require_reviewer(request: AuthenticatedRequest) -> None:
    if not has_role(request.user, REVIEW_ROLES):
        raise PermissionDenied


def _reviewable(user):
    people = visible_people(user).values("pk")
    return ReviewPair.objects.filter(person_a__in=people, person_b__in=people)


@person_view
def queue(request: AuthenticatedRequest) -> HttpResponse:
    _require_reviewer(request)
    pairs = (
        _reviewable(request.user)
        .filter(status=ReviewStatus.PENDING)
        .select_related("person_a", "person_b")
        .order_by("-probability", "pk")
    )
    page = Paginator(pairs, 25).get_page(request.GET.get("page"))
    shown = [p for pair in page for p in (pair.person_a, pair.person_b)]
    log_shown(request.user, shown, purpose=PURPOSE)
    return render(request, "matching/queue.html", {"page": page})


@person_view
def pair(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    _require_reviewer(request)
    item = get_object_or_404(ReviewPair, public_id=public_id)
    # Both records through the access layer (404 when either is not the reviewer's to see).
    first = person_for_viewer(request.user, item.person_a.public_id, purpose=PURPOSE)
    second = person_for_viewer(request.user, item.person_b.public_id, purpose=PURPOSE)
    if first.pk == second.pk and item.status == ReviewStatus.PENDING:
        raise Http404("These records are already one")
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if item.status != ReviewStatus.PENDING:
            messages.info(request, "Someone has already decided about this pair.")
            return redirect("matching:queue")
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "confirm":
                    services.confirm_pair(
                        item, by=request.user, reason=data["reason"], keep=data["keep"]
                    )
                    messages.success(request, "The records are merged into one.")
                else:
                    services.reject_pair(item, by=request.user, reason=data["reason"])
                    messages.success(request, "Recorded: these are different people.")
            except ValidationError as error:
                form.add_error(None, error.messages[0])
            else:
                return redirect("matching:queue")
    rows = [
        {
            "label": label,
            "first": _value(first, name),
            "second": _value(second, name),
            "comparison": SHOWN.get(item.comparison.get(name, ""), ""),
        }
        for name, label in FIELDS
    ]
    return render(
        request,
        "matching/pair.html",
        {"pair": item, "first": first, "second": second, "rows": rows, "form": form},
    )


def _value(person, name: str) -> str:
    value: Any = getattr(person, name, "")
    if name == "date_of_birth":
        return f"{value.day} {value:%B %Y}" if value else ""
    if name == "sex":
        return person.get_sex_display()
    return str(value or "")
