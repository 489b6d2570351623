"""Pages of the family network and of family group decision making. Thin: parse, access, call a
service, redirect. Every page starts from an episode the user may see (casework.permissions);
the records on it are read through the access layer (familyhelp.selectors)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from familyhub.access import layer
from familyhub.access.layer import person_view
from familyhub.accounts.models import User
from familyhub.casework.models import Episode
from familyhub.casework.permissions import episode_for_viewer
from familyhub.familyhelp import forms, overdue, selectors, services
from familyhub.familyhelp.diagram import network_svg
from familyhub.familyhelp.models import (
    FamilyPlan,
    FamilyPlanReview,
    FgdmMeeting,
    FgdmOffer,
    NetworkMember,
)
from familyhub.people.models import Person, Relationship


def _user(request) -> User:
    """The signed-in practitioner (every page here is behind sign-in and the episode check)."""
    return cast(User, request.user)


def _data(request):
    """The form's data: a POST with nothing in it is still checked (and its errors named)."""
    return request.POST if request.method == "POST" else None


def _episode(request, public_id, purpose: str) -> Episode:
    return episode_for_viewer(request.user, public_id, purpose=purpose)


def _record(request, model, episode: Episode, public_id, purpose: str):
    queryset = model.objects.filter(episode=episode)
    return layer.record_for_viewer(request.user, queryset, public_id, purpose=purpose)


def _form_page(
    request,
    episode: Episode,
    form,
    *,
    title: str,
    button: str,
    save: Callable[[], object],
    success: str,
    back: str,
    back_text: str,
    intro: str = "",
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except services.StaleRecord as stale:
            messages.error(request, str(stale))
            return redirect(back)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, success)
            return redirect(back)
    return render(
        request,
        "familyhelp/form.html",
        {
            "episode": episode,
            "form": form,
            "title": title,
            "button": button,
            "back": back,
            "back_text": back_text,
            "intro": intro,
        },
        status=400 if request.method == "POST" else 200,
    )


def _network_url(episode) -> str:
    return reverse("familyhelp:network", args=[episode.public_id])


def _fgdm_url(episode) -> str:
    return reverse("familyhelp:fgdm", args=[episode.public_id])


# The family network ------------------------------------------------------------------------


@person_view
def network(request: HttpRequest, public_id) -> HttpResponse:
    episode = _episode(request, public_id, "Family network")
    rows = selectors.network_rows(request.user, episode)
    child = episode.person.display_name
    return render(
        request,
        "familyhelp/network.html",
        {
            "episode": episode,
            "rows": rows,
            "diagram": network_svg(child, rows),
            "hidden": layer.hidden_record_count(
                request.user, NetworkMember.objects.filter(episode=episode)
            ),
        },
    )


def _known_to_family(request, episode: Episode) -> list[tuple[str, str]]:
    """People the register relates to the child (either way), whom the user may see and who
    are not in the network yet: offered first, so nobody is registered twice."""
    related = Relationship.objects.filter(
        Q(person_id=episode.person_id) | Q(relative_id=episode.person_id)
    ).values_list("person_id", "relative_id")
    ids = {pk for pair in related for pk in pair} - {episode.person_id}
    ids -= set(NetworkMember.objects.filter(episode=episode).values_list("member_id", flat=True))
    visible = layer.visible_among(request.user, ids)
    people = list(Person.objects.filter(pk__in=visible).order_by("family_name", "given_name"))
    layer.log_shown(request.user, people, purpose="Add to the family network")
    return [(str(p.public_id), p.display_name) for p in people]


@person_view
def network_add(request: HttpRequest, public_id) -> HttpResponse:
    episode = _episode(request, public_id, "Add to the family network")
    known = _known_to_family(request, episode)
    form = forms.NetworkAddForm(_data(request), known=known)

    def save():
        data = form.cleaned_data
        member = None
        if data.get("existing"):
            member = Person.objects.get(public_id=data["existing"])
        elif not (data.get("family_name") or "").strip():
            raise ValidationError({"family_name": "Enter their family name."})
        services.network_member_add(
            episode=episode,
            by=_user(request),
            member=member,
            given_name=data.get("given_name", ""),
            family_name=data.get("family_name", ""),
            date_of_birth=data.get("date_of_birth"),
            relationship=data["relationship"],
            relationship_detail=data["relationship_detail"],
            can_offer=data["can_offer"],
            phone=data["phone"],
            email=data["email"],
            family_agrees=form.agrees(),
            confirmed_new=bool(data.get("confirmed_new")),
        )

    return _form_page(
        request,
        episode,
        form,
        title="Add someone to the family network",
        button="Add to the network",
        save=save,
        success="Added to the family network.",
        back=_network_url(episode),
        back_text="Back to the family network",
        intro="Someone beyond the household who matters to the child: a grandparent, a friend, "
        "a neighbour, the family's own supporter. Someone new is added to the register.",
    )


@person_view
def network_change(request: HttpRequest, public_id, member_id) -> HttpResponse:
    episode = _episode(request, public_id, "Change the family network")
    record = _record(request, NetworkMember, episode, member_id, "Change the family network")
    shared = layer.can_see(request.user, record.member_id)
    initial = {
        "version": record.version,
        "relationship": record.relationship,
        "relationship_detail": record.relationship_detail,
        "can_offer": record.can_offer,
        "family_agrees": "yes" if record.family_agrees else "no",
    }
    if shared:
        initial.update({"phone": record.phone, "email": record.email})
        layer.log_shown(request.user, [record.member], purpose="Change the family network")
    form = forms.NetworkChangeForm(_data(request), initial=initial)
    if not shared:
        # Their contact details are theirs: whoever may not see them may not change them.
        del form.fields["phone"], form.fields["email"]

    def save():
        data = form.cleaned_data
        services.network_member_change(
            record=record,
            by=_user(request),
            version=data["version"],
            relationship=data["relationship"],
            relationship_detail=data["relationship_detail"],
            can_offer=data["can_offer"],
            phone=data.get("phone", record.phone),
            email=data.get("email", record.email),
            family_agrees=form.agrees(),
        )

    name = record.member.display_name if shared else record.unshared_label
    return _form_page(
        request,
        episode,
        form,
        title=f"Change the family network: {name}",
        button="Save the changes",
        save=save,
        success="The family network is changed.",
        back=_network_url(episode),
        back_text="Back to the family network",
    )


# Family group decision making ----------------------------------------------------------------


@person_view
def fgdm(request: HttpRequest, public_id) -> HttpResponse:
    episode = _episode(request, public_id, "Family group decision making")
    found = selectors.fgdm_for(request.user, episode)
    point = overdue.duty_point_for(episode)
    return render(
        request,
        "familyhelp/fgdm.html",
        {
            "episode": episode,
            "fgdm": found,
            "point": point,
            "overdue": point is not None and point.is_overdue(timezone.localdate()),
            "today": timezone.localdate(),
        },
    )


@person_view
def offer_add(request: HttpRequest, public_id) -> HttpResponse:
    episode = _episode(request, public_id, "Offer a family group decision-making meeting")
    form = forms.OfferForm(_data(request), people=forms.council_people(episode))

    def save():
        data = form.cleaned_data
        services.fgdm_offer_record(
            episode=episode,
            by=_user(request),
            offered_on=data["offered_on"],
            offered_by=data["offered_by"],
            response=data["response"],
            declined_reason=data["declined_reason"],
        )

    return _form_page(
        request,
        episode,
        form,
        title="Record an offer of a family group decision-making meeting",
        button="Record the offer",
        save=save,
        success="The offer is recorded.",
        back=_fgdm_url(episode),
        back_text="Back to family group decision making",
    )


@person_view
def offer_answer(request: HttpRequest, public_id, offer_id) -> HttpResponse:
    episode = _episode(request, public_id, "Family group decision making")
    offer = _record(request, FgdmOffer, episode, offer_id, "Family group decision making")
    form = forms.AnswerForm(
        _data(request),
        initial={
            "version": offer.version,
            "response": offer.response,
            "declined_reason": offer.declined_reason,
        },
    )

    def save():
        data = form.cleaned_data
        services.fgdm_offer_answer(
            offer=offer,
            by=_user(request),
            version=data["version"],
            response=data["response"],
            responded_on=data["responded_on"],
            declined_reason=data["declined_reason"],
        )

    return _form_page(
        request,
        episode,
        form,
        title="The family's answer to the offer",
        button="Save the answer",
        save=save,
        success="The family's answer is recorded.",
        back=_fgdm_url(episode),
        back_text="Back to family group decision making",
        intro=f"Offered on {offer.offered_on:%-d %B %Y}.",
    )


@person_view
def meeting_add(request: HttpRequest, public_id, offer_id) -> HttpResponse:
    episode = _episode(request, public_id, "Family group decision-making meeting")
    offer = _record(request, FgdmOffer, episode, offer_id, "Family group decision-making meeting")
    rows = selectors.network_rows(request.user, episode, purpose="Who came to the meeting")
    professionals = episode.team_members.select_related("user").filter(left_on__isnull=True)
    form = forms.MeetingForm(
        _data(request),
        coordinators=forms.council_people(episode),
        network=[
            (str(r.record.public_id), f"{r.label} ({r.record.relationship_words})") for r in rows
        ],
        professionals=[(str(m.public_id), m.display_name) for m in professionals],
    )

    def save():
        data = form.cleaned_data
        services.fgdm_meeting_record(
            offer=offer,
            by=_user(request),
            held_on=data["held_on"],
            coordinator=data["coordinator"],
            coordinator_name=data["coordinator_name"],
            network_attended=[
                r.record
                for r in rows
                if str(r.record.public_id) in data.get("network_attended", [])
            ],
            professionals_attended=[
                m
                for m in professionals
                if str(m.public_id) in data.get("professionals_attended", [])
            ],
            others_attended=data["others_attended"],
            private_family_time=forms.yes_no(data["private_family_time"]),
            notes=data["notes"],
        )

    return _form_page(
        request,
        episode,
        form,
        title="Record the family group decision-making meeting",
        button="Record the meeting",
        save=save,
        success="The meeting is recorded.",
        back=_fgdm_url(episode),
        back_text="Back to family group decision making",
    )


@person_view
def plan_add(request: HttpRequest, public_id, meeting_id) -> HttpResponse:
    episode = _episode(request, public_id, "The family's own plan")
    meeting = _record(request, FgdmMeeting, episode, meeting_id, "The family's own plan")
    form = forms.PlanForm(_data(request))

    def save():
        services.family_plan_record(meeting=meeting, by=_user(request), **form.cleaned_data)

    return _form_page(
        request,
        episode,
        form,
        title="Record the family's own plan",
        button="Record the plan",
        save=save,
        success="The family's plan is recorded.",
        back=_fgdm_url(episode),
        back_text="Back to family group decision making",
        intro=f"From the meeting on {meeting.held_on:%-d %B %Y}. Write it in the family's words.",
    )


@person_view
def plan_review(request: HttpRequest, public_id, plan_id) -> HttpResponse:
    episode = _episode(request, public_id, "Review of the family's own plan")
    plan = _record(request, FamilyPlan, episode, plan_id, "Review of the family's own plan")
    form = forms.PlanReviewForm(_data(request), initial={"version": plan.version})

    def save():
        services.family_plan_review_record(plan=plan, by=_user(request), **form.cleaned_data)

    return _form_page(
        request,
        episode,
        form,
        title="Review the family's own plan",
        button="Record the review",
        save=save,
        success="The review is recorded.",
        back=_fgdm_url(episode),
        back_text="Back to family group decision making",
        intro=f"The plan agreed on {plan.agreed_on:%-d %B %Y}.",
    )


# From the family timeline: a record's own link --------------------------------------------------

RECORD_MODELS: list[Any] = [NetworkMember, FgdmOffer, FgdmMeeting, FamilyPlan, FamilyPlanReview]


@person_view
def record(request: HttpRequest, public_id) -> HttpResponse:
    """A record of this part by its own id (the family timeline's link): to its page."""
    for model in RECORD_MODELS:
        if model.objects.filter(public_id=public_id).exists():
            found = layer.record_for_viewer(
                request.user,
                model.objects.select_related("episode"),
                public_id,
                purpose="Family Help record",
            )
            # The episode page it leads to checks the episode for the user itself.
            to = _network_url if model is NetworkMember else _fgdm_url
            return redirect(to(found.episode))
    raise Http404("No such record")
