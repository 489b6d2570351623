"""Parenting programme pages: a course's before-and-after scores (for the staff who run it) and
the summary by programme and provider (counts only, for managers and commissioners)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from familyhub.access import layer
from familyhub.access.layer import no_person_data, person_view
from familyhub.accounts.http import AuthenticatedRequest
from familyhub.accounts.roles import require_role
from familyhub.core.indicators import last_periods, period_of
from familyhub.hubs import permissions, programmes, services
from familyhub.hubs.models import OutcomeScale, ProgrammeMeasure, SessionSeries
from familyhub.people.models import Person
from familyhub.services.selectors import authority_of


def _course_for_staff(user, public_id: uuid.UUID) -> SessionSeries:
    """A parenting course the user runs a session of; 404 for absent and not yours alike."""
    courses = programmes.courses_for_outcomes(permissions.sessions_for_staff(user))
    course = (
        courses.select_related("activity", "site", "service").filter(public_id=public_id).first()
    )
    if course is None:
        raise Http404("No such course")
    return course


def _score(raw: str) -> int | None | str:
    text = raw.strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text


@person_view
def course_outcomes(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """A course's parents, the sessions each came to, and their scores on one scale, saved in
    one go; two people saving the same rows never overwrite each other (services)."""
    course = _course_for_staff(request.user, public_id)
    scales = list(OutcomeScale.objects.all())
    if not scales:
        raise Http404("No outcome scales")
    scale = next((s for s in scales if str(s.pk) == request.GET.get("scale")), scales[0])
    attendance = programmes.course_attendance(course)
    shown = layer.visible_among(request.user, set(attendance))
    people = list(Person.objects.filter(pk__in=shown).order_by("family_name", "given_name"))
    measures = {
        m.person_id: m
        for m in ProgrammeMeasure.objects.filter(series=course, scale=scale, person__in=people)
    }
    errors: dict[str, str] = {}
    entered: dict[int, tuple[str, str]] = {}
    if request.method == "POST":
        scores: dict[int, tuple[int | None, int | None]] = {}
        versions: dict[int, int] = {}
        for person in people:
            before = _score(request.POST.get(f"before_{person.public_id}", ""))
            after = _score(request.POST.get(f"after_{person.public_id}", ""))
            entered[person.pk] = (
                request.POST.get(f"before_{person.public_id}", ""),
                request.POST.get(f"after_{person.public_id}", ""),
            )
            if isinstance(before, str) or isinstance(after, str):
                errors[f"score_{person.pk}"] = (
                    f"Enter {person.display_name}'s scores as whole numbers"
                )
                continue
            scores[person.pk] = (before, after)
            version = request.POST.get(f"version_{person.public_id}", "")
            if version.isdigit():
                versions[person.pk] = int(version)
        if not errors:
            try:
                changed = services.programme_scores_save(
                    series=course, scale=scale, scores=scores, versions=versions, by=request.user
                )
            except ValidationError as error:
                errors = {key: " ".join(value) for key, value in error.message_dict.items()}
            else:
                messages.success(request, f"Scores saved ({changed} changed).")
                return redirect(f"{request.path}?scale={scale.pk}")
    layer.log_shown(request.user, people, purpose=f"Parenting programme scores: {course.activity}")
    rows = []
    for person in people:
        measure = measures.get(person.pk)
        taken = attendance[person.pk]
        before, after = entered.get(
            person.pk,
            (
                "" if measure is None or measure.before is None else str(measure.before),
                "" if measure is None or measure.after is None else str(measure.after),
            ),
        )
        rows.append(
            {
                "person": person,
                "attended": taken.attended,
                "held": taken.held,
                "completed": taken.completed,
                "before": before,
                "after": after,
                "version": measure.version if measure else "",
                "error": errors.get(f"score_{person.pk}", ""),
            }
        )
    return render(
        request,
        "hubs/course_outcomes.html",
        {
            "course": course,
            "scale": scale,
            "scales": scales,
            "rows": rows,
            "errors": [
                (f"score_{person.public_id}", errors[f"score_{person.pk}"])
                for person in people
                if f"score_{person.pk}" in errors
            ],
        },
    )


@no_person_data("counts by programme and provider only")
@require_role(permissions.REPORT_ROLES)
def programme_summary(request: AuthenticatedRequest) -> HttpResponse:
    authority = authority_of(request.user)
    periods = last_periods("quarter", 4, today=timezone.localdate())
    chosen = next((p for p in periods if p.start.isoformat() == request.GET.get("from")), None)
    start = chosen.start if chosen else periods[0].start
    end = periods[-1].end
    rows = programmes.programme_summary(authority.pk, start, end) if authority else []
    return render(
        request,
        "hubs/programmes.html",
        {
            "rows": rows,
            "periods": periods,
            "start": start,
            "end": end,
            "label": f"{period_of(start, 'quarter').label} to {periods[-1].label}",
        },
    )
