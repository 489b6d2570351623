"""Pages of the front door: make a referral, the queue, a referral and its decision, late
decisions. Thin: parse, access, call a service, redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from familyhub.access.layer import person_view
from familyhub.accounts.roles import MANAGER_ROLES
from familyhub.core.access import require_role
from familyhub.referrals import access, selectors, services
from familyhub.referrals.access import FRONT_DOOR_ROLES, REFERRER_ROLES
from familyhub.referrals.forms import DecisionForm, FindPersonForm, ReferralForm
from familyhub.referrals.models import ReferrerKind


def _add_errors(form, error: ValidationError) -> None:
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


def _registration_url() -> str:
    """The people part's registration journey, wherever it is."""
    for name in ("people:register", "people:registration", "people:register-start"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


@require_role(REFERRER_ROLES)
def find_person(request: HttpRequest) -> HttpResponse:
    """Step 1 of a referral: find the person in the register (never type them in twice)."""
    form = FindPersonForm(request.GET or None)
    candidates = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        candidates = access.find_people_to_refer(
            request.user,
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            postcode=data["postcode"],
        )
    return render(
        request,
        "referrals/find_person.html",
        {"form": form, "candidates": candidates, "registration_url": _registration_url()},
    )


@require_role(REFERRER_ROLES)
@person_view
def referral_new(request: HttpRequest, person_id) -> HttpResponse:
    """Step 2: the referral form for the chosen person."""
    person = access.person_to_refer(request.user, person_id)
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
                person=person, recorded_by=user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            access.log_person_access(
                user, [referral.person], action="create", purpose="referral", channel="page"
            )
            messages.success(request, f"Referral sent to the front door for {person.display_name}.")
            return redirect("referrals:detail", public_id=referral.public_id)
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "person": person, "self_referral": ReferrerKind.FAMILY},
    )


@require_role({*FRONT_DOOR_ROLES})
def queue(request: HttpRequest) -> HttpResponse:
    filters = selectors.QueueFilters.from_query(request.GET)
    referrals = list(selectors.front_door_queue(request.user, filters)[:200])
    if referrals:
        access.log_person_access(
            request.user,
            [r.person for r in referrals],
            action="read",
            purpose="front door queue",
            channel="page",
        )
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
def breaches(request: HttpRequest) -> HttpResponse:
    late = selectors.late_decisions(request.user)
    waiting, decided = list(late["waiting"][:200]), list(late["decided_late"][:200])
    people = [r.person for r in waiting + decided]
    if people:
        access.log_person_access(
            request.user, people, action="read", purpose="late decisions", channel="page"
        )
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
    from familyhub.services.models import ServiceKind, Team

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
    from familyhub.casework.access import episodes_for_viewer

    episode = getattr(referral, "episode", None)
    if episode is None or not episodes_for_viewer(user).filter(pk=episode.pk).exists():
        return ""
    return reverse("casework:episode", args=[episode.public_id])


def _detail(request, referral, form=None, status=200) -> HttpResponse:
    user = request.user
    can_decide = (
        referral.is_open
        and access.is_front_door(user)
        and (referral.authority_id in access.authority_ids_of(user))
    )
    context = {
        "referral": referral,
        "events": selectors.referral_events(referral),
        "now": timezone.now(),
        "can_decide": can_decide,
        "form": form or (_decision_form(referral) if can_decide else None),
        "knowledge": selectors.register_knowledge(referral) if access.is_front_door(user) else None,
        "episode_url": _episode_url(user, referral),
    }
    return render(request, "referrals/detail.html", context, status=status)


@person_view
def detail(request: HttpRequest, public_id) -> HttpResponse:
    referral = access.referral_for_viewer(request.user, public_id)
    access.log_person_access(
        request.user, [referral.person], action="read", purpose="referral", channel="page"
    )
    return _detail(request, referral)


@require_POST
@person_view
def decide(request: HttpRequest, public_id) -> HttpResponse:
    referral = access.referral_for_decision(request.user, public_id)
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
            _add_errors(form, error)
        else:
            access.log_person_access(
                request.user, [referral.person], action="change", purpose="triage", channel="page"
            )
            messages.success(
                request,
                f"Decision recorded for {referral.person.display_name}: "
                f"{referral.get_status_display().lower()}.",
            )
            return redirect("referrals:queue")
    return _detail(request, referral, form=form, status=400)
