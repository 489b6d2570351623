"""Every write to referrals: making one to any service (form and API share referral_create), the
front door's triage decision (referral_decide), a receiving service's inbox (inbox_decide,
more_information_given, referral_assign), the first contact (first_contact_made), and a
referral to a partner outside Familyhub (referral_create with sent_by). Each decision refuses
a second one instead of overwriting it, and tells the people it concerns (notifications)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import dateformat, timezone

from familyhub.access.records import Category
from familyhub.accounts.models import User
from familyhub.audit.log import log_change
from familyhub.notifications.models import NotificationKind
from familyhub.notifications.selectors import service_members, team_members
from familyhub.notifications.services import notify
from familyhub.people.models import HouseholdMembership, Person
from familyhub.places.models import Authority
from familyhub.referrals import deadlines, letters
from familyhub.referrals.hooks import referral_allocated
from familyhub.referrals.models import (
    OPEN_STATUSES,
    Consent,
    ContinuumLevel,
    InboxDecision,
    Outcome,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ReferrerKind,
    SentBy,
    Step,
    Urgency,
)
from familyhub.referrals.needs import Need
from familyhub.referrals.selectors import external_service_ids, workers_of
from familyhub.referrals.tasks import send_secure_referral
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
    to_service: Service | None = None,
    from_service: Service | None = None,
    sent_by: str = "",
    channel: str = "page",
) -> Referral:
    """Make a referral for a person already in the register (single registration: the caller
    found or registered them first) to `to_service` (the front door when None). The form, the
    API and the demo all come through here. A service that does not take referrals on Familyhub
    (no team with members) is sent to by letter or secure email (`sent_by`): the referral is
    recorded as sent, and the letter is the referral's printable page.

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
    owning_service = to_service or front_door_service(person.authority)
    if owning_service is None:
        raise ValidationError(
            {"person": "This council has no front door service set up to receive referrals."}
        )
    if owning_service.authority_id != person.authority_id:
        raise ValidationError({"to_service": "Choose a service in this person's council."})
    external = not takes_referrals_on_familyhub(owning_service)
    if external and sent_by not in SentBy.values:
        raise ValidationError(
            {"sent_by": f"{owning_service.name} is not on Familyhub: say how the referral goes."}
        )
    if external and sent_by == SentBy.SECURE_EMAIL and not owning_service.referral_email:
        raise ValidationError(
            {"sent_by": f"{owning_service.name} has no secure email address: send a letter."}
        )
    if (
        external
        and sent_by == SentBy.SECURE_EMAIL
        and not letters.is_secure_address(owning_service.referral_email)
    ):
        raise ValidationError(
            {
                "sent_by": f"{owning_service.name}'s address is not on a secure email domain "
                f"({', '.join(letters.secure_domains())}): send a letter."
            }
        )
    arrived = received_at or timezone.now()
    at_risk = urgency == Urgency.CHILD_AT_RISK
    if owning_service.kind == ServiceKind.FRONT_DOOR:
        due = deadlines.decision_due(arrived, child_at_risk=at_risk)
    else:
        due = deadlines.inbox_decision_due(arrived, service=owning_service, child_at_risk=at_risk)
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
        decision_due_at=due,
        from_service=from_service,
        receiving_team=None if external else receiving_team_for(owning_service, person),
    )
    if external:
        referral.status = ReferralStatus.SENT
        referral.sent_by = sent_by
        referral.sent_to = (
            owning_service.referral_email
            if sent_by == SentBy.SECURE_EMAIL
            else owning_service.referral_address
        )
        referral.decided_at = arrived
        referral.decided_by = recorded_by
    referral.full_clean()
    referral.save()
    ReferralEvent.objects.create(
        referral=referral,
        from_state="",
        to_state=ReferralStatus.RECEIVED,
        at=arrived,
        by=recorded_by,
    )
    if external:
        ReferralEvent.objects.create(
            referral=referral,
            from_state=ReferralStatus.RECEIVED,
            to_state=ReferralStatus.SENT,
            at=arrived,
            by=recorded_by,
            note=referral.get_sent_by_display(),
        )
    log_change(recorded_by, [person], action="create", purpose="Make a referral", channel=channel)
    if external and sent_by == SentBy.SECURE_EMAIL:
        transaction.on_commit(lambda: send_secure_referral.enqueue(referral.pk))
    if not external:
        notify(
            inbox_members(referral),
            kind=NotificationKind.REFERRAL,
            subject=f"A new referral is in the {owning_service.name} inbox",
            url=reverse("referrals:detail", args=[referral.public_id]),
            key=f"referral:{referral.public_id}:received",
        )
    return referral


def receiving_team_for(service: Service, person: Person) -> Team | None:
    """The team whose inbox a referral to a service lands in: the service's team for the
    person's locality, or its only team; None (every team's inbox) when neither says."""
    teams = list(Team.objects.filter(service=service).order_by("pk"))
    locality_id = person.area.locality_id if person.area_id and person.area else None
    local = [team for team in teams if locality_id and team.locality_id == locality_id]
    if len(local) == 1:
        return local[0]
    return teams[0] if len(teams) == 1 else None


def takes_referrals_on_familyhub(service: Service) -> bool:
    """A service receives referrals in its inbox when it has a team with someone in it; any
    other service in the directory is a partner reached by letter or secure email."""
    return not external_service_ids(Service.objects.filter(pk=service.pk))


def inbox_members(referral: Referral):
    """Who works the referral's inbox: its receiving team, or every team of its service."""
    if referral.receiving_team_id:
        return team_members([referral.receiving_team_id])
    return service_members([referral.owning_service_id])


def _tell_referrer(referral: Referral, what: str) -> None:
    """The person who made the referral hears what became of it (a link, no details)."""
    if referral.recorded_by_id is None:
        return
    notify(
        [referral.recorded_by],
        kind=NotificationKind.REFERRAL_UPDATE,
        subject=f"Your referral to {referral.owning_service.name} {what}",
        url=reverse("referrals:detail", args=[referral.public_id]),
        key=f"referral:{referral.public_id}:v{referral.version}",
    )


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
        _tell_referrer(referral, "has been decided")
    return referral


# --- a receiving service's inbox ------------------------------------------------------------


def _conditional_update(referral: Referral, *, states, version: int, **changes) -> None:
    """One UPDATE on (state, version): if someone else acted first nothing is written and
    DecisionConflict says what they did."""
    updated = Referral.objects.filter(pk=referral.pk, status__in=states, version=version).update(
        version=F("version") + 1, **changes
    )
    if updated != 1:
        referral.refresh_from_db()
        raise DecisionConflict(referral)


def _worker_of(service: Service, worker: User | None) -> dict[str, str]:
    if worker is None or workers_of(service.pk).filter(pk=worker.pk).exists():
        return {}
    return {"worker": f"Choose someone who works in {service.name}."}


def inbox_decide(
    *,
    referral: Referral,
    by: User,
    version: int,
    decision: str,
    reason: str = "",
    worker: User | None = None,
    now: datetime.datetime | None = None,
    channel: str = "page",
) -> Referral:
    """A receiving service (not the front door) accepts a referral (optionally allocating it to
    a worker at once), declines it with a reason, or asks the referrer for more. Accepting sets
    the allocation and first-contact deadlines by the council's rules."""
    errors: dict[str, str] = {}
    if referral.to_front_door:
        errors["decision"] = "The front door decides this referral with a level of need."
    if decision not in InboxDecision.values:
        errors["decision"] = "Choose what happens next."
    reason = (reason or "").strip()
    if decision == InboxDecision.DECLINE and not reason:
        errors["reason"] = "Give the reason for declining, so the referrer can find other help."
    if decision == InboxDecision.MORE_INFO and not reason:
        errors["reason"] = "Say what more you need to know."
    if decision != InboxDecision.ACCEPT and worker is not None:
        errors["worker"] = "Only choose a worker when accepting."
    errors.update(_worker_of(referral.owning_service, worker))
    if errors:
        raise ValidationError(errors)
    moment = now or timezone.now()
    service = referral.owning_service
    with transaction.atomic():
        if decision == InboxDecision.MORE_INFO:
            _conditional_update(
                referral,
                states=[ReferralStatus.RECEIVED],
                version=version,
                status=ReferralStatus.MORE_INFO,
                info_request=reason,
            )
        else:
            changes: dict[str, Any] = {
                "status": decision,
                "decided_by": by,
                "decided_at": moment,
                "decision_reason": reason,
            }
            if decision == InboxDecision.ACCEPT:
                changes["first_contact_due_at"] = deadlines.step_due(
                    Step.FIRST_CONTACT, moment, service=service, level=referral.level
                )
                if worker is None:
                    changes["allocation_due_at"] = deadlines.step_due(
                        Step.ALLOCATION, moment, service=service, level=referral.level
                    )
                else:
                    changes.update(allocated_to=worker, allocated_at=moment)
            _conditional_update(referral, states=OPEN_STATUSES, version=version, **changes)
        ReferralEvent.objects.create(
            referral=referral,
            from_state=referral.status,
            to_state=decision,
            at=moment,
            by=by,
            note=reason,
        )
        if worker is not None:
            ReferralEvent.objects.create(
                referral=referral,
                from_state=decision,
                to_state="assigned",
                at=moment,
                by=by,
                note=worker.get_full_name() or worker.username,
            )
        referral.refresh_from_db()
        log_change(
            by,
            [referral.person],
            action="change",
            purpose="Decide a referral",
            channel=channel,
            detail=decision,
        )
        what = {
            InboxDecision.ACCEPT: "was accepted",
            InboxDecision.DECLINE: "was declined",
            InboxDecision.MORE_INFO: "needs more information from you",
        }[InboxDecision(decision)]
        _tell_referrer(referral, what)
        if worker is not None and worker.pk != by.pk:
            _tell_worker(referral, worker)
    return referral


def more_information_given(
    *, referral: Referral, by: User, version: int, answer: str, channel: str = "page"
) -> Referral:
    """The referrer answers the receiving service's question: the referral waits again."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "Enter the information the service asked for."})
    with transaction.atomic():
        _conditional_update(
            referral,
            states=[ReferralStatus.MORE_INFO],
            version=version,
            status=ReferralStatus.RECEIVED,
        )
        ReferralEvent.objects.create(
            referral=referral,
            from_state=ReferralStatus.MORE_INFO,
            to_state="info_given",
            by=by,
            note=answer,
        )
        referral.refresh_from_db()
        log_change(
            by,
            [referral.person],
            action="change",
            purpose="Answer a referral's question",
            channel=channel,
        )
        notify(
            inbox_members(referral),
            kind=NotificationKind.REFERRAL,
            subject=f"The referrer answered a question from the {referral.owning_service.name} "
            "inbox",
            url=reverse("referrals:detail", args=[referral.public_id]),
            key=f"referral:{referral.public_id}:v{referral.version}",
        )
    return referral


def referral_assign(
    *, referral: Referral, by: User, version: int, worker: User | None, channel: str = "page"
) -> Referral:
    """Allocate an accepted referral to a worker of the receiving service."""
    errors = _worker_of(referral.owning_service, worker)
    if worker is None:
        errors["worker"] = "Choose who will work with the family."
    if referral.status != ReferralStatus.ACCEPTED:
        errors["worker"] = "Only an accepted referral is allocated to a worker."
    if errors:
        raise ValidationError(errors)
    assert worker is not None
    moment = timezone.now()
    with transaction.atomic():
        _conditional_update(
            referral,
            states=[ReferralStatus.ACCEPTED],
            version=version,
            allocated_to=worker,
            allocated_at=moment,
        )
        ReferralEvent.objects.create(
            referral=referral,
            from_state=ReferralStatus.ACCEPTED,
            to_state="assigned",
            at=moment,
            by=by,
            note=worker.get_full_name() or worker.username,
        )
        referral.refresh_from_db()
        log_change(
            by,
            [referral.person],
            action="change",
            purpose="Allocate a referral",
            channel=channel,
        )
        if worker.pk != by.pk:
            _tell_worker(referral, worker)
    return referral


def _tell_worker(referral: Referral, worker: User) -> None:
    notify(
        [worker],
        kind=NotificationKind.ALLOCATION,
        subject=f"A referral to {referral.owning_service.name} is allocated to you",
        url=reverse("referrals:detail", args=[referral.public_id]),
        key=f"referral:{referral.public_id}:allocated:{worker.pk}",
    )


def first_contact_made(*, person: Person, service: Service, on: datetime.date) -> int:
    """A contact with the person by the service: the first contact on each of their accepted
    referrals to it that had none (contacts call this when one is recorded). Returns how many."""
    waiting = list(
        Referral.objects.filter(
            person=person,
            owning_service=service,
            status=ReferralStatus.ACCEPTED,
            first_contact_on__isnull=True,
        )
    )
    for referral in waiting:
        Referral.objects.filter(pk=referral.pk).update(
            first_contact_on=on, version=F("version") + 1
        )
        ReferralEvent.objects.create(
            referral=referral,
            from_state=ReferralStatus.ACCEPTED,
            to_state="contacted",
            note=f"{on:%-d %B %Y}",
        )
    return len(waiting)
