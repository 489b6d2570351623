"""Every write to referrals: receiving one (form and API share referral_create) and the front
door's decision (referral_decide), which refuses a second decision instead of overwriting it."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import dateformat, timezone

from familyhub.access.records import Category
from familyhub.accounts.models import User
from familyhub.audit.log import log_change
from familyhub.people.models import HouseholdMembership, Person
from familyhub.places.models import Authority
from familyhub.referrals import deadlines
from familyhub.referrals.hooks import referral_allocated
from familyhub.referrals.models import (
    Consent,
    ContinuumLevel,
    Outcome,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ReferrerKind,
    Urgency,
)
from familyhub.referrals.needs import Need
from familyhub.services.models import Service, ServiceKind, Team


class DecisionConflict(Exception):
    """Someone else decided (or changed) the referral after this person opened it."""

    def __init__(self, referral: Referral) -> None:
        self.referral = referral
        who = str(referral.decided_by) if referral.decided_by else "someone else"
        when = (
            dateformat.format(timezone.localtime(referral.decided_at), "H:i \\o\\n j F Y")
            if referral.decided_at
            else "a moment ago"
        )
        super().__init__(
            f"{who} decided this referral at {when} while you had it open: "
            f"{referral.get_status_display().lower()}. Your decision was not saved. "
            "Read their decision below before doing anything else."
        )


def front_door_service(authority: Authority):

    return (
        Service.objects.filter(authority=authority, kind=ServiceKind.FRONT_DOOR)
        .order_by("pk")
        .first()
    )


def continuum_levels(authority: Authority | None) -> Any:
    """The council's own continuum if it has one, otherwise the default four levels."""
    own = ContinuumLevel.objects.filter(authority=authority)
    if authority is not None and own.exists():
        return own
    return ContinuumLevel.objects.filter(authority__isnull=True)


def current_household(person: Person):

    membership = (
        HouseholdMembership.objects.filter(person=person, end__isnull=True)
        .select_related("household")
        .order_by("-start", "-pk")
        .first()
    )
    return membership.household if membership else None


def _clean_needs(needs: list[str] | None) -> list[str]:
    valid = set(Need.values)
    chosen = []
    for value in needs or []:
        if value not in valid:
            raise ValidationError({"needs": f"{value!r} is not one of the needs on the list."})
        if value not in chosen:
            chosen.append(value)
    return chosen


@transaction.atomic
@transaction.atomic
def referral_create(
    *,
    person: Person | None,
    referrer_kind: str,
    referrer_name: str,
    concerns: str,
    consent: str,
    recorded_by: User,
    needs: list[str] | None = None,
    referrer_organisation: str = "",
    referrer_role: str = "",
    referrer_phone: str = "",
    referrer_email: str = "",
    urgency: str = Urgency.STANDARD,
    received_at: datetime.datetime | None = None,
    channel: str = "page",
) -> Referral:
    """Receive a referral for a person already in the register (single registration: the caller
    found or registered them first). The form, the API and the demo all come through here.

    Raises ValidationError naming the field for bad input; nothing is saved then.
    """
    errors: dict[str, str] = {}
    if person is None:
        errors["person"] = "Choose the person you are referring from the register."
    elif person.merged_into is not None:
        person = person.merged_into
    if referrer_kind not in ReferrerKind.values:
        errors["referrer_kind"] = "Choose who is making the referral."
    if referrer_kind == ReferrerKind.FAMILY:
        # A family asking for help themselves knows about it and agrees to it.
        consent = Consent.AGREES
    elif not (referrer_organisation or "").strip():
        errors["referrer_organisation"] = "Enter the referrer's organisation, such as the school."
    if not (referrer_name or "").strip():
        errors["referrer_name"] = "Enter the name of the person making the referral."
    if consent not in Consent.values:
        errors["consent"] = "Say whether the family knows about the referral and agrees to it."
    if urgency not in Urgency.values:
        errors["urgency"] = "Choose how urgent the referral is."
    try:
        chosen_needs = _clean_needs(needs)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
        chosen_needs = []
    if not (concerns or "").strip():
        errors["concerns"] = "Describe the concerns in your own words."
    if errors:
        raise ValidationError(errors)
    assert person is not None  # refused above
    owning_service = front_door_service(person.authority)
    if owning_service is None:
        raise ValidationError(
            {"person": "This council has no front door service set up to receive referrals."}
        )
    arrived = received_at or timezone.now()
    at_risk = urgency == Urgency.CHILD_AT_RISK
    referral = Referral(
        person=person,
        authority=person.authority,
        household=current_household(person),
        owning_service=owning_service,
        # A child who may be at risk makes the referral safeguarding information.
        category=Category.SAFEGUARDING if at_risk else Category.GENERAL,
        recorded_by=recorded_by,
        recorded_at=arrived,
        referrer_kind=referrer_kind,
        referrer_name=referrer_name.strip(),
        referrer_organisation=(referrer_organisation or "").strip(),
        referrer_role=(referrer_role or "").strip(),
        referrer_phone=(referrer_phone or "").strip(),
        referrer_email=(referrer_email or "").strip(),
        needs=chosen_needs,
        concerns=concerns.strip(),
        consent=consent,
        urgency=urgency,
        received_at=arrived,
        decision_due_at=deadlines.decision_due(arrived, child_at_risk=at_risk),
    )
    referral.full_clean()
    referral.save()
    ReferralEvent.objects.create(
        referral=referral,
        from_state="",
        to_state=ReferralStatus.RECEIVED,
        at=arrived,
        by=recorded_by,
    )
    log_change(recorded_by, [person], action="create", purpose="Make a referral", channel=channel)
    return referral


def referral_decide(
    *,
    referral: Referral,
    by: User,
    version: int,
    outcome: str,
    level: ContinuumLevel | None,
    reason: str,
    team: Team | None = None,
    now: datetime.datetime | None = None,
    channel: str = "page",
) -> Referral:
    """Record the front door's decision on a referral the caller may decide (see
    referrals.permissions.referral_for_decision), logged.

    `version` is the version the decider saw. The decision is one conditional UPDATE on
    (status = received, version = version): if someone else decided first, nothing is written and
    DecisionConflict says who decided what. Allocation opens an early help episode for the team in
    the same transaction.
    """
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose what happens next."
    if level is None:
        errors["level"] = "Choose the level of need."
    elif level not in continuum_levels(referral.authority):
        errors["level"] = "Choose a level from this council's continuum of need."
    if not (reason or "").strip():
        errors["reason"] = "Give the reasons for your decision."
    if outcome == Outcome.ALLOCATE:
        if team is None:
            errors["team"] = "Choose the early help team to allocate the family to."
        elif team.service.authority_id != referral.authority_id:
            errors["team"] = "Choose a team in this council."
    elif team is not None:
        errors["team"] = "Only choose a team when allocating to early help."
    if outcome == Outcome.STEP_UP and level is not None and not level.is_statutory:
        errors["level"] = "A step-up to children's social care needs a statutory level of need."
    if errors:
        raise ValidationError(errors)
    moment = now or timezone.now()
    with transaction.atomic():
        updated = Referral.objects.filter(
            pk=referral.pk, status=ReferralStatus.RECEIVED, version=version
        ).update(
            status=outcome,
            level=level,
            decision_reason=reason.strip(),
            decided_by=by,
            decided_at=moment,
            allocated_team=team if outcome == Outcome.ALLOCATE else None,
            version=F("version") + 1,
        )
        if updated != 1:
            referral.refresh_from_db()
            raise DecisionConflict(referral)
        ReferralEvent.objects.create(
            referral=referral,
            from_state=ReferralStatus.RECEIVED,
            to_state=outcome,
            at=moment,
            by=by,
            note=reason.strip(),
        )
        referral.refresh_from_db()
        if outcome == Outcome.ALLOCATE:
            referral_allocated.call(referral=referral, team=team, by=by, now=moment)
        log_change(
            by,
            [referral.person],
            action="change",
            purpose="Decide a referral",
            channel=channel,
            detail=outcome,
        )
    return referral
