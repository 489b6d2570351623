"""Every write of the family network and of family group decision making.

Each is atomic and logs its write (audit.log.log_change) to the child's record, and to the
network member's when their own details change. Edits carry the `version` the editor saw and
are one conditional UPDATE: if someone changed the record meanwhile nothing is written and
StaleRecord says so. A network member new to the register is registered through the register's
own service (people.services.person_register), never kept as a copy of a person here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.audit.log import log_change
from familyhub.casework.models import Episode, TeamMember
from familyhub.familyhelp.models import (
    FamilyPlan,
    FamilyPlanReview,
    FgdmMeeting,
    FgdmOffer,
    NetworkMember,
    OfferResponse,
    Relationship,
)
from familyhub.people import hooks, validation
from familyhub.people import services as register
from familyhub.people.models import ContactDetail, ContactKind, Person


class StaleRecord(Exception):
    """The record changed after the caller read it; nothing was saved."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"Someone else changed this {what} while you had it open. Your change was not "
            "saved. Check it and try again."
        )


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value: str | None) -> str:
    return (value or "").strip()


def _live(episode: Episode, field: str) -> dict[str, str]:
    return {} if episode.is_live else {field: "This family's episode is closed."}


def _record_fields(episode: Episode, by) -> dict:
    return {
        "person_id": episode.person_id,
        "owning_service_id": episode.owning_service_id,
        "category": episode.category,
        "recorded_by": by,
        "episode": episode,
    }


def _log(by, people: Iterable[Person], purpose: str, channel: str, action: str = "change"):
    log_change(by, list(people), action=action, purpose=purpose, channel=channel)


def _past_or_today(day: datetime.date | None, field: str, words: str, errors: dict) -> None:
    if day is None:
        errors[field] = f"Enter {words}."
    elif day > _today():
        errors[field] = f"{words[0].upper()}{words[1:]} must be today or in the past."


# --- the family network ---------------------------------------------------------------------


def _contact(field: str, value: str, errors: dict) -> str:
    """A phone number or an email address checked as the register checks them ('' if none)."""
    value = _text(value)
    if not value:
        return ""
    kind = ContactKind.EMAIL if field == "email" else ContactKind.PHONE
    try:
        return validation.clean_contact(kind, value)
    except ValidationError as error:
        errors[field] = error.message_dict["value"][0].replace("Enter", "Enter their", 1)
        return ""


def _network_checks(
    *, relationship: str, family_agrees: bool | None, errors: dict[str, str]
) -> None:
    if relationship not in Relationship.values:
        errors["relationship"] = "Select their relationship to the child."
    if family_agrees is None:
        errors["family_agrees"] = "Select whether the family agrees they may be involved."


def _check_not_registered(episode, given_name, family_name, date_of_birth, errors) -> None:
    """Someone new who looks like a person already in the register is not registered twice
    without the practitioner saying so (the register's own duplicate search; nothing of the
    other record is shown here, and the duplicate review queue still catches what slips by)."""
    found = hooks.search_register(
        authority=episode.authority,
        given_name=_text(given_name),
        family_name=_text(family_name),
        date_of_birth=date_of_birth,
        limit=3,
    )
    if any(c.probability >= register.DUPLICATE_PROBABILITY for c in found):
        errors["confirmed_new"] = (
            "Someone with these details may already be in the register. Choose them from "
            "the people linked to the family if they are there, or confirm that this is "
            "someone new"
        )


def network_member_add(
    *,
    episode: Episode,
    by: User,
    relationship: str,
    family_agrees: bool | None,
    member: Person | None = None,
    given_name: str = "",
    family_name: str = "",
    date_of_birth: datetime.date | None = None,
    relationship_detail: str = "",
    can_offer: str = "",
    phone: str = "",
    email: str = "",
    confirmed_new: bool = False,
    channel: str = "page",
) -> NetworkMember:
    """Add someone to the child's family network: a person already in the register (`member`,
    whom the caller may see) or someone new, registered here through the register's service.
    Their phone and email go on the register for someone new. For someone already there the
    register's own pages change their details, so a number or address of a kind the register
    does not hold for them is kept on this record (and one it holds is not copied)."""
    errors: dict[str, str] = _live(episode, "relationship")
    _network_checks(relationship=relationship, family_agrees=family_agrees, errors=errors)
    if member is None and not _text(family_name):
        errors["family_name"] = "Enter their family name."
    if member is not None and member.pk == episode.person_id:
        errors["member"] = "Choose someone other than the child."
    if member is not None and NetworkMember.objects.filter(episode=episode, member=member).exists():
        errors["member"] = f"{member.display_name} is already in the family network."
    if date_of_birth is not None and date_of_birth > _today():
        errors["date_of_birth"] = "Their date of birth must be in the past."
    clean_phone = _contact("phone", phone, errors)
    clean_email = _contact("email", email, errors)
    if not errors and member is None and not confirmed_new:
        _check_not_registered(episode, given_name, family_name, date_of_birth, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if member is None:
            member = register.person_register(
                authority=episode.authority,
                by=by,
                channel=channel,
                given_name=_text(given_name),
                family_name=_text(family_name),
                date_of_birth=date_of_birth,
            )
            if clean_phone:
                kind = ContactKind.MOBILE if clean_phone.startswith("07") else ContactKind.PHONE
                register.contact_detail_add(
                    person=member, by=by, kind=kind, value=clean_phone, channel=channel
                )
            if clean_email:
                register.contact_detail_add(
                    person=member, by=by, kind=ContactKind.EMAIL, value=clean_email, channel=channel
                )
            clean_phone = clean_email = ""  # the register holds them
        else:
            held = set(ContactDetail.objects.filter(person=member).values_list("kind", flat=True))
            if held & {ContactKind.PHONE, ContactKind.MOBILE}:
                clean_phone = ""
            if ContactKind.EMAIL in held:
                clean_email = ""
        record = NetworkMember(
            **_record_fields(episode, by),
            member=member,
            relationship=relationship,
            relationship_detail=_text(relationship_detail),
            can_offer=_text(can_offer),
            phone=clean_phone,
            email=clean_email,
            family_agrees=bool(family_agrees),
            family_agreed_on=_today() if family_agrees else None,
        )
        record.full_clean(exclude=["person", "owning_service", "episode", "member"])
        record.save()
        _log(by, [episode.person], "Add to the family network", channel)
        _log(by, [member], "Added to a child's family network", channel)
    return record


def network_member_change(
    *,
    record: NetworkMember,
    by: User,
    version: int,
    relationship: str,
    family_agrees: bool | None,
    relationship_detail: str = "",
    can_offer: str = "",
    phone: str = "",
    email: str = "",
    channel: str = "page",
) -> NetworkMember:
    """Change what the network record says (the relationship, what they can offer, the numbers
    kept here, the family's agreement), on the version the editor saw. The family withdrawing
    their agreement ends the team's sight of the member (familyhelp.involvement)."""
    errors: dict[str, str] = _live(record.episode, "relationship")
    _network_checks(relationship=relationship, family_agrees=family_agrees, errors=errors)
    clean_phone = _contact("phone", phone, errors)
    clean_email = _contact("email", email, errors)
    if errors:
        raise ValidationError(errors)
    agreed_on = record.family_agreed_on if record.family_agrees else None
    if family_agrees and agreed_on is None:
        agreed_on = _today()
    with transaction.atomic():
        updated = NetworkMember.objects.filter(pk=record.pk, version=version).update(
            relationship=relationship,
            relationship_detail=_text(relationship_detail),
            can_offer=_text(can_offer),
            phone=clean_phone,
            email=clean_email,
            family_agrees=bool(family_agrees),
            family_agreed_on=agreed_on if family_agrees else None,
            version=F("version") + 1,
        )
        if updated != 1:
            raise StaleRecord("family network member")
        record.refresh_from_db()
        _log(by, [record.person, record.member], "Change the family network", channel)
    return record


# --- family group decision making -----------------------------------------------------------


def _response_checks(
    response: str, responded_on, declined_reason: str, offered_on, errors: dict
) -> None:
    if response not in OfferResponse.values:
        errors["response"] = "Select the family's answer."
    if response == OfferResponse.DECLINED and not _text(declined_reason):
        errors["declined_reason"] = "Enter why the family declined."
    if response in (OfferResponse.ACCEPTED, OfferResponse.DECLINED) and responded_on is not None:
        if responded_on > _today():
            errors["responded_on"] = "The date the family answered must be today or in the past."
        elif offered_on is not None and responded_on < offered_on:
            errors["responded_on"] = "The date the family answered must be on or after the offer."


def fgdm_offer_record(
    *,
    episode: Episode,
    by: User,
    offered_on: datetime.date | None,
    offered_by: User | None = None,
    response: str = OfferResponse.NO_ANSWER,
    responded_on: datetime.date | None = None,
    declined_reason: str = "",
    channel: str = "page",
) -> FgdmOffer:
    """Record that the family was offered a family group decision-making meeting (by the
    recorder unless said), and their answer if they gave one."""
    errors: dict[str, str] = _live(episode, "offered_on")
    _past_or_today(offered_on, "offered_on", "the date of the offer", errors)
    _response_checks(response, responded_on, declined_reason, offered_on, errors)
    if errors:
        raise ValidationError(errors)
    answered = response != OfferResponse.NO_ANSWER
    assert offered_on is not None
    with transaction.atomic():
        offer = FgdmOffer.objects.create(
            **_record_fields(episode, by),
            offered_on=offered_on,
            offered_by=offered_by or by,
            response=response,
            responded_on=(responded_on or _today()) if answered else None,
            declined_reason=_text(declined_reason) if response == OfferResponse.DECLINED else "",
        )
        _log(by, [episode.person], "Offer a family group decision-making meeting", channel)
    return offer


def fgdm_offer_answer(
    *,
    offer: FgdmOffer,
    by: User,
    version: int,
    response: str,
    responded_on: datetime.date | None = None,
    declined_reason: str = "",
    channel: str = "page",
) -> FgdmOffer:
    """The family's answer to an offer, on the version the recorder saw."""
    errors: dict[str, str] = _live(offer.episode, "response")
    _response_checks(response, responded_on, declined_reason, offer.offered_on, errors)
    if response != OfferResponse.ACCEPTED and offer.meetings.exists():
        errors["response"] = "A meeting was held on this offer: the family accepted it."
    if errors:
        raise ValidationError(errors)
    answered = response != OfferResponse.NO_ANSWER
    with transaction.atomic():
        updated = FgdmOffer.objects.filter(pk=offer.pk, version=version).update(
            response=response,
            responded_on=(responded_on or _today()) if answered else None,
            declined_reason=_text(declined_reason) if response == OfferResponse.DECLINED else "",
            version=F("version") + 1,
        )
        if updated != 1:
            raise StaleRecord("offer")
        offer.refresh_from_db()
        _log(by, [offer.person], "The family's answer to a meeting offer", channel)
    return offer


def fgdm_meeting_record(
    *,
    offer: FgdmOffer,
    by: User,
    held_on: datetime.date | None,
    private_family_time: bool | None,
    coordinator: User | None = None,
    coordinator_name: str = "",
    network_attended: Iterable[NetworkMember] = (),
    professionals_attended: Iterable[TeamMember] = (),
    others_attended: str = "",
    notes: str = "",
    channel: str = "page",
) -> FgdmMeeting:
    """The meeting held on an accepted offer: its coordinator (a user, or a name), who came
    from the family network and from the team around the family, and whether the family had
    private family time."""
    episode = offer.episode
    errors: dict[str, str] = _live(episode, "held_on")
    if offer.response != OfferResponse.ACCEPTED:
        errors["held_on"] = "Record that the family accepted the offer before the meeting."
    _past_or_today(held_on, "held_on", "the date of the meeting", errors)
    if held_on is not None and held_on < offer.offered_on:
        errors["held_on"] = "The date of the meeting must be on or after the offer."
    if coordinator is None and not _text(coordinator_name):
        errors["coordinator"] = "Choose the coordinator, or enter their name."
    if coordinator is not None and _text(coordinator_name):
        errors["coordinator_name"] = "Choose the coordinator or enter a name, not both."
    if private_family_time is None:
        errors["private_family_time"] = "Select whether the family had private family time."
    network = list(network_attended)
    professionals = list(professionals_attended)
    if any(member.episode_id != episode.pk for member in network):
        errors["network_attended"] = "Choose people from this family's network."
    if any(member.episode_id != episode.pk for member in professionals):
        errors["professionals_attended"] = "Choose people from the team around the family."
    if errors:
        raise ValidationError(errors)
    assert held_on is not None
    with transaction.atomic():
        meeting = FgdmMeeting.objects.create(
            **_record_fields(episode, by),
            offer=offer,
            held_on=held_on,
            coordinator=coordinator,
            coordinator_name=_text(coordinator_name),
            others_attended=_text(others_attended),
            private_family_time=bool(private_family_time),
            notes=_text(notes),
        )
        meeting.network_attended.set(network)
        meeting.professionals_attended.set(professionals)
        _log(by, [episode.person], "Family group decision-making meeting", channel)
    return meeting


def family_plan_record(
    *,
    meeting: FgdmMeeting,
    by: User,
    what_will_happen: str,
    who_does_what: str,
    by_when: str,
    agreed_on: datetime.date | None,
    review_due: datetime.date | None,
    channel: str = "page",
) -> FamilyPlan:
    """The family's own plan from the meeting, in their words, with its first review."""
    episode = meeting.episode
    errors: dict[str, str] = _live(episode, "what_will_happen")
    for field, value, words in (
        ("what_will_happen", what_will_happen, "what will happen, in the family's words"),
        ("who_does_what", who_does_what, "who does what"),
        ("by_when", by_when, "by when"),
    ):
        if not _text(value):
            errors[field] = f"Enter {words}."
    _past_or_today(agreed_on, "agreed_on", "the date the family agreed the plan", errors)
    if agreed_on is not None and agreed_on < meeting.held_on and "agreed_on" not in errors:
        errors["agreed_on"] = "The date the plan was agreed must be on or after the meeting."
    if review_due is None:
        errors["review_due"] = "Enter the date of the first review."
    elif agreed_on is not None and review_due <= agreed_on:
        errors["review_due"] = "The review must be after the plan was agreed."
    if errors:
        raise ValidationError(errors)
    assert agreed_on is not None and review_due is not None
    with transaction.atomic():
        plan = FamilyPlan.objects.create(
            **_record_fields(episode, by),
            meeting=meeting,
            what_will_happen=_text(what_will_happen),
            who_does_what=_text(who_does_what),
            by_when=_text(by_when),
            agreed_on=agreed_on,
            review_due=review_due,
        )
        _log(by, [episode.person], "The family's own plan", channel)
    return plan


def family_plan_review_record(
    *,
    plan: FamilyPlan,
    by: User,
    version: int,
    held_on: datetime.date | None,
    how_it_went: str,
    next_review_due: datetime.date | None = None,
    channel: str = "page",
) -> FamilyPlanReview:
    """A review of the family's plan; the next review (if any) becomes the plan's, on the
    version of the plan the reviewer saw."""
    episode = plan.episode
    errors: dict[str, str] = _live(episode, "held_on")
    _past_or_today(held_on, "held_on", "the date of the review", errors)
    if held_on is not None and held_on < plan.agreed_on and "held_on" not in errors:
        errors["held_on"] = "The date of the review must be on or after the plan was agreed."
    if not _text(how_it_went):
        errors["how_it_went"] = "Enter how the plan is going."
    if next_review_due is not None and held_on is not None and next_review_due <= held_on:
        errors["next_review_due"] = "The next review must be after this one."
    if errors:
        raise ValidationError(errors)
    assert held_on is not None
    with transaction.atomic():
        fields = {"review_due": next_review_due} if next_review_due else {}
        updated = FamilyPlan.objects.filter(pk=plan.pk, version=version).update(
            version=F("version") + 1, **fields
        )
        if updated != 1:
            raise StaleRecord("family plan")
        review = FamilyPlanReview.objects.create(
            **_record_fields(episode, by),
            plan=plan,
            held_on=held_on,
            how_it_went=_text(how_it_went),
            next_review_due=next_review_due,
        )
        plan.refresh_from_db()
        _log(by, [episode.person], "Review of the family's own plan", channel)
    return review
