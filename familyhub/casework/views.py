"""Pages of early help casework. Thin: parse, access, call a service, redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from familyhub.access import layer
from familyhub.access.layer import person_view
from familyhub.accounts.roles import MANAGER_ROLES, PRACTITIONER_ROLES, has_role, require_role
from familyhub.casework import forms, selectors, services
from familyhub.casework.models import Action, EpisodeStatus, Goal, TeamMember
from familyhub.casework.permissions import can_manage, episode_for_manager, episode_for_viewer
from familyhub.core.pagination import Page, query_without_page
from familyhub.referrals.services import continuum_levels
from familyhub.services.selectors import teams_of


def _log(request, people, *, purpose: str) -> None:
    layer.log_shown(request.user, list(people), purpose=purpose)


def _to_episode(episode) -> HttpResponse:
    return redirect("casework:episode", public_id=episode.public_id)


# Worklists ------------------------------------------------------------------------------------


def _filter_context(request, filters) -> dict:
    return {
        "filters": filters,
        "statuses": EpisodeStatus.choices,
        "levels": continuum_levels(None),
        "teams": teams_of(request.user),
    }


@require_role(PRACTITIONER_ROLES)
def my_caseload(request: HttpRequest) -> HttpResponse:
    filters = selectors.WorklistFilters.from_query(request.GET)
    episodes = list(selectors.my_caseload(request.user, filters)[:300])
    actions = list(selectors.my_overdue_actions(request.user)[:100])
    _log(
        request,
        {e.person for e in episodes} | {a.goal.episode.person for a in actions},
        purpose="my caseload",
    )
    return render(
        request,
        "casework/my_caseload.html",
        {
            "episodes": episodes,
            "actions": actions,
            "today": timezone.localdate(),
            **_filter_context(request, filters),
        },
    )


@require_role(MANAGER_ROLES)
def team_caseload(request: HttpRequest) -> HttpResponse:
    filters = selectors.WorklistFilters.from_query(request.GET)
    loads = selectors.team_caseload(request.user, filters)
    return render(
        request,
        "casework/team_caseload.html",
        {
            "loads": loads,
            "total_families": sum(load.families for load in loads),
            "total_weight": round(sum(load.weight for load in loads), 1),
            **_filter_context(request, filters),
        },
    )


# Families waiting for a lead professional on one page; the GOV.UK pagination leads to the rest.
UNALLOCATED_PAGE_SIZE = 50


@require_role(MANAGER_ROLES)
def unallocated(request: HttpRequest) -> HttpResponse:
    filters = selectors.WorklistFilters.from_query(request.GET)
    waiting = selectors.unallocated_episodes(request.user, filters)
    page = Page.of(request.GET.get("page"), total=waiting.count(), size=UNALLOCATED_PAGE_SIZE)
    episodes = list(waiting[page.start : page.end])
    _log(request, [e.person for e in episodes], purpose="unallocated episodes")
    return render(
        request,
        "casework/unallocated.html",
        {
            "episodes": episodes,
            "page": page,
            "filter_query": query_without_page(request.GET),
            "today": timezone.localdate(),
            **_filter_context(request, filters),
        },
    )


@require_role(MANAGER_ROLES)
def supporting_families(request: HttpRequest) -> HttpResponse:
    groups = selectors.sf_families(request.user)
    eligible = list(
        selectors.eligible_open_families(request.user).select_related("person", "team")[:300]
    )
    _log(
        request,
        [e.person for e in eligible] + [e.person for g in groups.values() for e in g],
        purpose="Supporting Families evidence",
    )
    return render(
        request, "casework/supporting_families.html", {"groups": groups, "eligible": eligible}
    )


# Families not seen within the plan's contact frequency on one page.
NOT_SEEN_PAGE_SIZE = 50


@require_role(PRACTITIONER_ROLES)
def families_not_seen(request: HttpRequest) -> HttpResponse:
    """The families a lead professional (or a team leader's teams) has not seen within the
    family plan's contact frequency."""
    rows = selectors.families_not_seen(request.user)
    page = Page.of(request.GET.get("page"), total=len(rows), size=NOT_SEEN_PAGE_SIZE)
    shown = rows[page.start : page.end]
    _log(request, [row.episode.person for row in shown], purpose="families not seen")
    return render(
        request,
        "casework/not_seen.html",
        {
            "rows": shown,
            "page": page,
            "filter_query": query_without_page(request.GET),
            "managers_view": has_role(request.user, MANAGER_ROLES),
        },
    )


# The episode --------------------------------------------------------------------------------


@person_view
def episode(request: HttpRequest, public_id) -> HttpResponse:
    ep = episode_for_viewer(request.user, public_id, purpose="Early help episode")
    goals = ep.goals.prefetch_related("actions", "actions__owner").all()
    return render(
        request,
        "casework/episode.html",
        {
            "episode": ep,
            "can_manage": can_manage(request.user, ep),
            # The person's record and family timeline are linked only when they would open.
            "person_shown": layer.can_see(request.user, ep.person),
            "members": ep.team_members.select_related("user").filter(left_on__isnull=True),
            "assessment": ep.assessments.select_related("level").first(),
            "needs": ep.needs.all(),
            "goals": goals,
            "reviews": ep.reviews.prefetch_related("scores__goal").all(),
            "events": ep.events.select_related("by").all(),
            "today": timezone.localdate(),
        },
    )


def _form_page(
    request,
    ep,
    form,
    *,
    title: str,
    button: str,
    save: Callable[[], object],
    success: str,
    purpose: str,
    extra: dict | None = None,
) -> HttpResponse:
    """The shape every casework form shares: validate, call the service, say what happened."""
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except services.EpisodeConflict as conflict:
            messages.error(request, str(conflict))
            return _to_episode(ep)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, success)
            return _to_episode(ep)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "casework/form.html",
        {"episode": ep, "form": form, "title": title, "button": button, **(extra or {})},
        status=status,
    )


def _transition(
    request,
    public_id,
    *,
    form_class,
    service: Callable[..., object],
    arguments: Callable[[Any], dict],
    form_kwargs: Callable[[Any], dict] = lambda ep: {},
    title: str,
    button: str,
    success: str,
    purpose: str,
    extra: Callable[[Any], dict] = lambda ep: {},
) -> HttpResponse:
    """A manager's change to the episode itself (allocate, transfer, step up or down, close):
    the form carries the version the manager saw, and the service is called with it and with
    `arguments(form)`, so a change made meanwhile is refused (EpisodeConflict), not overwritten."""
    ep = episode_for_manager(request.user, public_id, purpose=f"Early help: {purpose}")
    form = form_class(request.POST or None, initial={"version": ep.version}, **form_kwargs(ep))

    def save():
        service(
            episode=ep,
            by=request.user,
            version=form.cleaned_data["version"],
            **arguments(form),
        )

    return _form_page(
        request,
        ep,
        form,
        title=title,
        button=button,
        save=save,
        success=success,
        purpose=purpose,
        extra=extra(ep),
    )


@person_view
def allocate(request: HttpRequest, public_id) -> HttpResponse:
    return _transition(
        request,
        public_id,
        form_class=forms.AllocateForm,
        form_kwargs=lambda ep: {"episode": ep},
        service=services.episode_allocate,
        arguments=lambda form: {
            "lead_professional": form.cleaned_data["lead_professional"],
            "family_agrees": form.agrees(),
        },
        title="Allocate a lead professional",
        button="Allocate",
        success="Lead professional allocated.",
        purpose="allocation",
    )


@person_view
def transfer(request: HttpRequest, public_id) -> HttpResponse:
    return _transition(
        request,
        public_id,
        form_class=forms.TransferForm,
        form_kwargs=lambda ep: {"episode": ep},
        service=services.episode_transfer_lead,
        arguments=lambda form: {
            "new_lead": form.cleaned_data["lead_professional"],
            "handover_note": form.cleaned_data["handover_note"],
            "family_agrees": form.agrees(),
        },
        title="Transfer to a new lead professional",
        button="Transfer",
        success="Lead professional transferred.",
        purpose="transfer",
    )


@person_view
def team_member_add(request: HttpRequest, public_id) -> HttpResponse:
    ep = episode_for_viewer(request.user, public_id, purpose="Early help episode")
    form = forms.TeamMemberForm(request.POST or None, episode=ep)

    def save():
        services.team_member_add(episode=ep, by=request.user, **form.cleaned_data)

    return _form_page(
        request,
        ep,
        form,
        title="Add to the team around the family",
        button="Add",
        save=save,
        success="Added to the team around the family.",
        purpose="team around the family",
    )


@require_POST
@person_view
def team_member_leave(request: HttpRequest, public_id, member_id) -> HttpResponse:
    ep = episode_for_viewer(request.user, public_id, purpose="Early help episode")
    try:
        member = TeamMember.objects.get(episode=ep, public_id=member_id, left_on__isnull=True)
    except TeamMember.DoesNotExist:
        raise Http404("No such member")
    services.team_member_leave(member=member, by=request.user)
    messages.success(request, f"{member.display_name} has left the team around the family.")
    return _to_episode(ep)


@person_view
def assessment(request: HttpRequest, public_id) -> HttpResponse:
    ep = episode_for_viewer(request.user, public_id, purpose="Early help episode")
    last = ep.assessments.first()
    initial = {}
    if last:
        initial = {"needs": last.needs, "strengths": last.strengths, "level": last.level_id}
    elif ep.referral_id and ep.referral:
        initial = {"needs": ep.referral.needs, "level": ep.level_id}
    levels = continuum_levels(ep.authority)
    form = forms.AssessmentForm(request.POST or None, levels=levels, initial=initial)

    def save():
        services.assessment_record(episode=ep, by=request.user, **form.cleaned_data)

    return _form_page(
        request,
        ep,
        form,
        title="Early help assessment",
        button="Save the assessment",
        save=save,
        success="Assessment saved.",
        purpose="assessment",
    )


@person_view
def goal_add(request: HttpRequest, public_id) -> HttpResponse:
    ep = episode_for_viewer(request.user, public_id, purpose="Early help episode")
    needs = list(ep.needs.values_list("need", flat=True))
    if not needs:
        messages.error(
            request, "Record the family's assessment first: goals are tied to its needs."
        )
        return _to_episode(ep)
    form = forms.GoalForm(request.POST or None, needs=needs)

    def save():
        services.goal_add(episode=ep, by=request.user, **form.cleaned_data)

    return _form_page(
        request,
        ep,
        form,
        title="Add a goal to the family plan",
        button="Add the goal",
        save=save,
        success="Goal added to the family plan.",
        purpose="family plan",
    )


@person_view
def action_add(request: HttpRequest, public_id, goal_id) -> HttpResponse:
    ep = episode_for_viewer(request.user, public_id, purpose="Early help episode")
    try:
        goal = Goal.objects.get(episode=ep, public_id=goal_id)
    except Goal.DoesNotExist:
        raise Http404("No such goal")
    form = forms.ActionForm(request.POST or None, episode=ep)

    def save():
        services.action_add(goal=goal, by=request.user, **form.cleaned_data)

    return _form_page(
        request,
        ep,
        form,
        title=f"Add an action: {goal.description[:60]}",
        button="Add the action",
        save=save,
        success="Action added.",
        purpose="family plan",
    )


@require_POST
@person_view
def action_done(request: HttpRequest, public_id, action_id) -> HttpResponse:
    ep = episode_for_viewer(request.user, public_id, purpose="Early help episode")
    try:
        action = Action.objects.get(goal__episode=ep, public_id=action_id)
    except Action.DoesNotExist:
        raise Http404("No such action")
    services.action_complete(action=action, by=request.user)
    messages.success(request, "Action marked as done.")
    return _to_episode(ep)


@person_view
def review(request: HttpRequest, public_id) -> HttpResponse:
    ep = episode_for_viewer(request.user, public_id, purpose="Early help episode")
    form = forms.ReviewForm(request.POST or None, goals=ep.goals.all())

    def save():
        data = form.cleaned_data
        services.review_record(
            episode=ep,
            by=request.user,
            held_on=data["held_on"],
            notes=data["notes"],
            next_review_due=data["next_review_due"],
            scores=form.scores(),
        )

    return _form_page(
        request,
        ep,
        form,
        title="Team around the family review",
        button="Save the review",
        save=save,
        success="Review saved.",
        purpose="review",
    )


@person_view
def contact_frequency(request: HttpRequest, public_id) -> HttpResponse:
    """How often the lead professional expects to see the family (the family plan)."""
    ep = episode_for_viewer(request.user, public_id, purpose="Early help episode")
    form = forms.ContactFrequencyForm(
        request.POST or None,
        initial={"version": ep.version, "contact_every_days": ep.contact_every_days},
    )

    def save():
        services.episode_contact_frequency_set(
            episode=ep,
            by=request.user,
            version=form.cleaned_data["version"],
            contact_every_days=form.cleaned_data["contact_every_days"],
        )

    return _form_page(
        request,
        ep,
        form,
        title="How often the family is seen",
        button="Save",
        save=save,
        success="Contact frequency saved.",
        purpose="family plan",
    )


@person_view
def step_up(request: HttpRequest, public_id) -> HttpResponse:
    return _transition(
        request,
        public_id,
        form_class=forms.ReasonForm,
        service=services.episode_step_up,
        arguments=lambda form: {"reason": form.cleaned_data["reason"]},
        title="Step up to the Multi-Agency Child Protection Team",
        button="Step up",
        success="Stepped up to child protection. The information pack goes with it.",
        purpose="step-up",
    )


@person_view
def level_change(request: HttpRequest, public_id) -> HttpResponse:
    return _transition(
        request,
        public_id,
        form_class=forms.LevelChangeForm,
        form_kwargs=lambda ep: {"levels": continuum_levels(ep.authority)},
        service=services.episode_level_change,
        arguments=lambda form: {
            "level": form.cleaned_data["level"],
            "reason": form.cleaned_data["reason"],
            "child_in_need": form.cleaned_data["child_in_need"],
        },
        title="Change the level of need",
        button="Change the level",
        success="Level of need changed. The assessment and the plan carry on.",
        purpose="level of need",
    )


@person_view
def cp_decision(request: HttpRequest, public_id) -> HttpResponse:
    return _transition(
        request,
        public_id,
        form_class=forms.ChildProtectionDecisionForm,
        service=services.episode_cp_decision,
        arguments=lambda form: {
            "outcome": form.cleaned_data["outcome"],
            "reason": form.cleaned_data["reason"],
        },
        title="Record the child protection team's decision",
        button="Record the decision",
        success="The child protection team's decision is recorded.",
        purpose="child protection decision",
    )


@person_view
def information_pack(request: HttpRequest, public_id) -> HttpResponse:
    """What goes with a step-up to the Multi-Agency Child Protection Team: the chronology from
    the family's timeline, the assessment, the plan, the team around the family and what other
    parts add (the family network). Printable; everything on it passes the access layer."""
    ep = episode_for_viewer(
        request.user, public_id, purpose="Information pack for child protection"
    )
    pack = selectors.information_pack(request.user, ep)
    return render(request, "casework/information_pack.html", {"episode": ep, "pack": pack})


@person_view
def step_down(request: HttpRequest, public_id) -> HttpResponse:
    return _transition(
        request,
        public_id,
        form_class=forms.StepDownForm,
        form_kwargs=lambda ep: {"levels": continuum_levels(ep.authority)},
        service=services.episode_step_down,
        arguments=lambda form: {
            "reason": form.cleaned_data["reason"],
            "level": form.cleaned_data["level"],
        },
        title="Step down to early help",
        button="Step down",
        success="Stepped down to early help.",
        purpose="step-down",
    )


@person_view
def close(request: HttpRequest, public_id) -> HttpResponse:
    """Closing is final: the page shows what is still open (actions, needs without a goal,
    goals scored low) and the service asks for confirmation and reasons where they contradict."""
    checked: dict[int, services.ClosureCheck] = {}

    def check(ep) -> services.ClosureCheck:  # read once for the form and the page
        if ep.pk not in checked:
            checked[ep.pk] = services.closure_check(ep)
        return checked[ep.pk]

    return _transition(
        request,
        public_id,
        form_class=forms.CloseForm,
        form_kwargs=lambda ep: {
            "needs": list(ep.needs.values_list("need", flat=True)),
            "open_actions": len(check(ep).open_actions),
        },
        service=services.episode_close,
        arguments=lambda form: {
            "reason": form.cleaned_data["reason"],
            "outcomes": form.outcomes(),
            "explanation": form.cleaned_data.get("explanation", ""),
            "open_work_confirmed": form.cleaned_data.get("open_work_confirmed", False),
        },
        title="Close the episode",
        button="Close the episode",
        success="Episode closed.",
        purpose="closure",
        extra=lambda ep: {"closure": check(ep)},
    )
