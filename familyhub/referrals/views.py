"""Pages of the front door: make a referral, the queue, a referral and its decision, late
decisions. Thin: parse, access, call a service, redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from familyhub.access import layer
from familyhub.access.candidates import find_people
from familyhub.access.involvement import days_after_end
from familyhub.access.layer import person_view
from familyhub.accounts.http import AuthenticatedRequest
from familyhub.accounts.roles import MANAGER_ROLES, require_role
from familyhub.people.models import Person
from familyhub.referrals import permissions, selectors, services
from familyhub.referrals.forms import DecisionForm, FindPersonForm, ReferralForm
from familyhub.referrals.models import Referral, ReferrerKind
from familyhub.referrals.permissions import FRONT_DOOR_ROLES, REFERRER_ROLES
from familyhub.services.models import ServiceKind, Team


@require_role(REFERRER_ROLES)
def find_person(request: AuthenticatedRequest) -> HttpResponse:
    """Step 1 of a referral: find the person in the register (never type them in twice)."""
    form = FindPersonForm(request.GET or None)
    candidates = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        candidates = find_people(
            request.user,
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            postcode=data["postcode"],
            purpose="Find the person to refer",
        )
    return render(
        request,
        "referrals/find_person.html",
        {"form": form, "candidates": candidates, "registration_url": reverse("people:register")},
    )


@require_role(REFERRER_ROLES)
@person_view
def referral_new(request: AuthenticatedRequest, person_id) -> HttpResponse:
    """Step 2: the referral form for the chosen person. Anyone who may refer may refer anyone
    in their council (a school need not be involved to ask for help for a pupil), seeing only
    the minimal view: the front door decides, and its decision gives access to whom it should."""
    person = layer.person_minimal(request.user, person_id, purpose="Make a referral")
    user: Any = request.user
    initial = {
        "referrer_name": user.get_full_name(),
        "referrer_role": user.job_title,
        "referrer_email": user.email,
        "referrer_phone": user.phone,
    }
    if request.GET.get("kind") in ReferrerKind.values:
        initial["referrer_kind"] = request.GET["kind"]
    if initial.get("referrer_kind") == ReferrerKind.FAMILY:
        # A family's own request: the referrer is the parent, not the member of staff taking it.
        initial.update(
            referrer_name="", referrer_role="Parent", referrer_email="", referrer_phone=""
        )
    form = ReferralForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                person=Person.objects.get(pk=person.pk), recorded_by=user, **form.cleaned_data
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, f"Referral sent to the front door for {person.display_name}.")
            return redirect("referrals:detail", public_id=referral.public_id)
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "person": person, "self_referral": ReferrerKind.FAMILY},
    )


@require_role({*FRONT_DOOR_ROLES})
def queue(request: AuthenticatedRequest) -> HttpResponse:
    filters = selectors.QueueFilters.from_query(request.GET)
    referrals = list(selectors.front_door_queue(request.user, filters)[:200])
    layer.log_shown(request.user, [r.person for r in referrals], purpose="Front door queue")
    return render(
        request,
        "referrals/queue.html",
        {
            "referrals": referrals,
            "filters": filters,
            "now": timezone.now(),
            "referrer_kinds": ReferrerKind.choices,
        },
    )


@require_role(MANAGER_ROLES)
def breaches(request: AuthenticatedRequest) -> HttpResponse:
    late = selectors.late_decisions(request.user)
    waiting, decided = list(late["waiting"][:200]), list(late["decided_late"][:200])
    layer.log_shown(request.user, [r.person for r in waiting + decided], purpose="Late decisions")
    return render(
        request,
        "referrals/breaches.html",
        {
            "waiting": waiting,
            "decided_late": decided,
            "now": timezone.now(),
            "times": selectors.decision_times(request.user),
        },
    )


def _decision_form(referral, data=None) -> DecisionForm:
    teams = Team.objects.filter(
        service__authority_id=referral.authority_id, service__kind=ServiceKind.EARLY_HELP
    ).select_related("service")
    return DecisionForm(
        data,
        initial={"version": referral.version},
        levels=services.continuum_levels(referral.authority),
        teams=teams,
    )


def _episode_url(user, referral) -> str:
    """A link to the early help episode only for someone who may open it (the referrer outside
    the team would get a page that does not exist)."""
    # The episode is casework's (a part above this one): reached by its reverse relation and
    # judged by the access layer's record rule, as the episode page judges it.
    episode = getattr(referral, "episode", None)
    if episode is None or not layer.can_open_record(user, episode):
        return ""
    return reverse("casework:episode", args=[episode.public_id])


def _detail(request, referral, form=None, status=200) -> HttpResponse:
    user = request.user
    can_decide = referral.is_open and permissions.may_decide(user, referral)
    context = {
        "referral": referral,
        "events": selectors.referral_events(referral),
        "now": timezone.now(),
        "can_decide": can_decide,
        "form": form or (_decision_form(referral) if can_decide else None),
        "knowledge": (
            selectors.register_knowledge(user, referral)
            if permissions.is_front_door(user)
            else None
        ),
        "episode_url": _episode_url(user, referral),
        "person_url": (
            reverse("people:person", args=[referral.person.public_id])
            if layer.can_see(user, referral.person)
            else ""
        ),
    }
    return render(request, "referrals/detail.html", context, status=status)


@person_view
def detail(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """A referral for those who may see it (the front door, the team it went to); for the
    person who made it, what they sent and what became of it, and nothing more."""
    try:
        referral = layer.record_for_viewer(
            request.user,
            Referral.objects.select_related("level", "decided_by", "allocated_team"),
            public_id,
            purpose="Read a referral",
        )
    except Http404:
        referral = layer.authored_record(
            request.user,
            Referral,
            public_id,
            purpose="A referral I made",
            days=days_after_end("referral") + 30,
        )
        return render(
            request,
            "referrals/sent.html",
            {"referral": referral, "events": selectors.referral_events(referral)},
        )
    return _detail(request, referral)


@require_POST
@person_view
def decide(request: AuthenticatedRequest, public_id) -> HttpResponse:
    referral = permissions.referral_for_decision(request.user, public_id)
    if not referral.is_open:
        messages.error(request, "This referral has already been decided.")
        return redirect("referrals:detail", public_id=referral.public_id)
    form = _decision_form(referral, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_decide(
                referral=referral,
                by=request.user,
                version=data["version"],
                outcome=data["outcome"],
                level=data["level"],
                reason=data["reason"],
                team=data["team"],
            )
        except services.DecisionConflict as conflict:
            messages.error(request, str(conflict))
            return redirect("referrals:detail", public_id=referral.public_id)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(
                request,
                f"Decision recorded for {referral.person.display_name}: "
                f"{referral.get_status_display().lower()}.",
            )
            return redirect("referrals:queue")
    return _detail(request, referral, form=form, status=400)
