"""Pages of the front door: make a referral, the queue, a referral and its decision, late
decisions. Thin: parse, access, call a service, redirect."""

from __future__ import annotations

import uuid
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
from familyhub.people.actions import actions_for
from familyhub.people.models import Person
from familyhub.referrals import permissions, selectors, services
from familyhub.referrals.forms import (
    AnswerForm,
    AssignForm,
    DecisionForm,
    FindPersonForm,
    InboxDecisionForm,
    ReferralForm,
)
from familyhub.referrals.models import Referral, ReferralStatus, ReferrerKind
from familyhub.referrals.permissions import FRONT_DOOR_ROLES, INBOX_ROLES, REFERRER_ROLES
from familyhub.services.models import ServiceKind, Team
from familyhub.services.selectors import authority_of, services_of


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
    directory = selectors.receiving_services(person.authority_id)
    external_ids = selectors.external_service_ids(directory)
    chosen = directory.filter(public_id=_uuid_or_none(request.GET.get("to"))).first()
    initial["to_service"] = chosen or directory.first()
    mine = services_of(user).exclude(kind=ServiceKind.FRONT_DOOR).first()
    if mine is not None and initial.get("referrer_kind") != ReferrerKind.FAMILY:
        initial.update(referrer_kind=ReferrerKind.OTHER_SERVICE, referrer_organisation=mine.name)
    form = ReferralForm(
        request.POST or None, initial=initial, services=directory, external_ids=external_ids
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                person=Person.objects.get(pk=person.pk),
                recorded_by=user,
                from_service=mine,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            if referral.is_external:
                messages.success(
                    request,
                    f"Referral to {referral.owning_service.name} recorded. Print the letter or "
                    "check the secure email below.",
                )
            else:
                messages.success(
                    request,
                    f"Referral sent to {referral.owning_service.name} for {person.display_name}.",
                )
            return redirect("referrals:detail", public_id=referral.public_id)
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "person": person, "self_referral": ReferrerKind.FAMILY},
    )


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


@require_role(INBOX_ROLES)
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    """The inbox of the user's services: referrals to decide, waiting for the referrer, accepted
    and waiting for a worker or a first contact, declined lately."""
    box = selectors.service_inbox(request.user)
    layer.log_shown(request.user, box.people, purpose="A service's referral inbox")
    return render(request, "referrals/inbox.html", {"inbox": box, "now": timezone.now()})


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


def threshold(request: AuthenticatedRequest) -> HttpResponse:
    """The council's threshold document: its continuum of need, what each level looks like,
    examples, and where a family at each level goes. Printable."""
    authority = authority_of(request.user)
    levels = list(services.continuum_levels(authority)) if authority else []
    kinds = dict(ServiceKind.choices)
    for level in levels:
        level.routes_label = kinds.get(level.routes_to, "")
        level.example_lines = [line for line in level.examples.splitlines() if line.strip()]
    return render(request, "referrals/threshold.html", {"levels": levels})


@require_role(INBOX_ROLES)
def overdue_work(request: AuthenticatedRequest) -> HttpResponse:
    """Steps past their deadline: the user's own, and for team leaders and service managers
    their services' too (with how late, and whether it has escalated)."""
    listing = selectors.overdue_for(request.user)
    layer.log_shown(request.user, listing.people, purpose="Overdue work")
    return render(request, "referrals/overdue.html", {"listing": listing})


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


def _inbox_form(referral, data=None) -> InboxDecisionForm:
    return InboxDecisionForm(
        data,
        initial={"version": referral.version},
        workers=selectors.workers_of(referral.owning_service_id),
    )


def _assign_form(referral, data=None) -> AssignForm:
    return AssignForm(
        data,
        initial={"version": referral.version, "worker": referral.allocated_to},
        workers=selectors.workers_of(referral.owning_service_id),
    )


def _detail(request, referral, form=None, status=200, inbox_form=None, assign_form=None):
    user = request.user
    can_decide = (
        referral.is_open and referral.to_front_door and permissions.may_decide(user, referral)
    )
    works_inbox = permissions.may_work_inbox(user, referral)
    can_accept = works_inbox and referral.status == ReferralStatus.RECEIVED
    can_assign = works_inbox and referral.status == ReferralStatus.ACCEPTED
    context = {
        "referral": referral,
        "events": selectors.referral_events(referral),
        "now": timezone.now(),
        "can_decide": can_decide,
        "can_accept": can_accept,
        "can_assign": can_assign,
        "inbox_form": inbox_form or (_inbox_form(referral) if can_accept else None),
        "assign_form": assign_form or (_assign_form(referral) if can_assign else None),
        "answer_form": (
            AnswerForm(initial={"version": referral.version})
            if referral.status == ReferralStatus.MORE_INFO and referral.recorded_by_id == user.pk
            else None
        ),
        "actions": actions_for(user, referral.person) if works_inbox else [],
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
            {
                "referral": referral,
                "events": selectors.referral_events(referral),
                "answer_form": (
                    AnswerForm(initial={"version": referral.version})
                    if referral.status == ReferralStatus.MORE_INFO
                    else None
                ),
            },
        )
    return _detail(request, referral)


@require_POST
@person_view
def inbox_decide(request: AuthenticatedRequest, public_id) -> HttpResponse:
    referral = permissions.referral_for_inbox(request.user, public_id)
    form = _inbox_form(referral, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.inbox_decide(
                referral=referral,
                by=request.user,
                version=data["version"],
                decision=data["decision"],
                reason=data["reason"],
                worker=data["worker"],
            )
        except services.DecisionConflict as conflict:
            messages.error(request, str(conflict))
            return redirect("referrals:detail", public_id=referral.public_id)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            referral.refresh_from_db()
            messages.success(
                request,
                f"Referral of {referral.person.display_name}: "
                f"{referral.get_status_display().lower()}.",
            )
            return redirect("referrals:detail", public_id=referral.public_id)
    return _detail(request, referral, inbox_form=form, status=400)


@require_POST
@person_view
def assign(request: AuthenticatedRequest, public_id) -> HttpResponse:
    referral = permissions.referral_for_inbox(request.user, public_id)
    form = _assign_form(referral, request.POST)
    if form.is_valid():
        try:
            services.referral_assign(
                referral=referral,
                by=request.user,
                version=form.cleaned_data["version"],
                worker=form.cleaned_data["worker"],
            )
        except services.DecisionConflict as conflict:
            messages.error(request, str(conflict))
            return redirect("referrals:detail", public_id=referral.public_id)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, "Referral allocated.")
            return redirect("referrals:detail", public_id=referral.public_id)
    return _detail(request, referral, assign_form=form, status=400)


@require_POST
@person_view
def answer(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """The referrer answers the receiving service's question."""
    referral = layer.authored_record(
        request.user,
        Referral,
        public_id,
        purpose="Answer a question about a referral I made",
        days=days_after_end("referral") + 30,
    )
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.more_information_given(
                referral=referral,
                by=request.user,
                version=form.cleaned_data["version"],
                answer=form.cleaned_data["answer"],
            )
        except services.DecisionConflict as conflict:
            messages.error(request, str(conflict))
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, "Your answer was sent to the service.")
            return redirect("referrals:detail", public_id=referral.public_id)
    return render(
        request,
        "referrals/sent.html",
        {"referral": referral, "events": selectors.referral_events(referral), "answer_form": form},
        status=400,
    )


@person_view
def letter(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """The referral letter to a partner outside Familyhub, to print or attach. Its author, or
    whoever may read the referral, sees it; the person's contact details only for those who may
    see the person's record."""
    try:
        referral = layer.record_for_viewer(
            request.user, Referral, public_id, purpose="Print a referral letter"
        )
    except Http404:
        referral = layer.authored_record(
            request.user,
            Referral,
            public_id,
            purpose="Print a referral letter I made",
            days=days_after_end("referral") + 30,
        )
    return render(
        request,
        "referrals/letter.html",
        {"referral": referral, "full": layer.can_see(request.user, referral.person)},
    )


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
