"""Writes of the access part: consent, shares, decisions not to share, notes, break-glass reviews.

Each is atomic, validates before saving, and logs the change to the person's information.
Callers have already got the person through the access layer (person_for_viewer).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from familyhub.access import involvement
from familyhub.access.models import (
    Basis,
    BreakGlass,
    BreakGlassGround,
    Consent,
    ConsentPurpose,
    DecisionNotToShare,
    ReviewStatus,
    Share,
    SharedNote,
)
from familyhub.access.records import category_choices
from familyhub.access.viewer import forget_viewer, viewer_for
from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.audit.log import log_change
from familyhub.core.reasons import reason_problem
from familyhub.notifications.models import NotificationKind
from familyhub.notifications.services import notify
from familyhub.people.models import Person
from familyhub.services.models import Service, Team

__all__ = [
    "break_glass_review",
    "break_glass_start",
    "consent_record",
    "consent_withdraw",
    "decision_not_to_share_record",
    "note_create",
    "share_create",
]


def _require_practitioner(user) -> None:
    if not viewer_for(user).practitioner:
        raise PermissionDenied("Only practitioners record this.")


def _own_service(user, service) -> None:
    if service.pk not in viewer_for(user).service_ids:
        raise PermissionDenied("You can only do this for your own service's records.")


@transaction.atomic
def consent_record(
    *,
    person: Person,
    by: User,
    given: bool,
    method: str,
    purpose: str = ConsentPurpose.SHARING,
    services=(),
    given_on: date | None = None,
    note: str = "",
    channel: str = "page",
) -> Consent:
    """Record consent given or refused. A refusal withdraws earlier consent for the same purpose
    (the latest word of the person is the one that counts)."""
    _require_practitioner(by)
    consent = Consent(
        person=person,
        given=given,
        method=method,
        purpose=purpose,
        given_on=given_on or timezone.localdate(),
        taken_by=by,
        note=note,
    )
    consent.full_clean()
    consent.save()
    consent.services.set(services)
    if not given:
        Consent.objects.filter(
            person=person, purpose=purpose, given=True, withdrawn_at__isnull=True
        ).update(
            withdrawn_at=timezone.now(),
            withdrawn_by=by,
            withdrawal_note="Superseded by a refusal",
        )
    log_change(
        by,
        [person],
        action="change",
        purpose="Record consent",
        channel=channel,
        detail=f"consent {'given' if given else 'refused'} for {purpose}",
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, consent: Consent, by: User, note: str = "", channel: str = "page"
) -> Consent:
    """Withdraw consent. Conditional UPDATE so two withdrawals never overwrite each other."""
    _require_practitioner(by)
    changed = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=by, withdrawal_note=note
    )
    if not changed:
        raise ValidationError({"consent": "This consent has already been withdrawn."})
    consent.refresh_from_db()
    log_change(
        by,
        [consent.person],
        action="change",
        purpose="Withdraw consent",
        channel=channel,
        detail=f"consent {consent.public_id} withdrawn",
    )
    return consent


@transaction.atomic
def share_create(
    *,
    person: Person,
    by: User,
    owning_service: Service,
    reason: str,
    recipient_team: Team | None = None,
    recipient_service: Service | None = None,
    category: str = "",
    record=None,
    basis: str = Basis.SAFEGUARDING,
    expires_at: datetime | None = None,
    channel: str = "page",
) -> Share:
    """Share a person's records (or one record) of the sharer's own service with a named team or
    service. Only staff of the owning service may share its records."""
    _require_practitioner(by)
    _own_service(by, owning_service)
    if recipient_team is None and recipient_service is None:
        raise ValidationError({"recipient": "Choose the team or service to share with."})
    if category and category not in dict(category_choices()):
        raise ValidationError({"category": "Choose a category from the list."})
    share = Share(
        person=person,
        owning_service=owning_service,
        category=category,
        recipient_team=recipient_team,
        recipient_service=recipient_service,
        reason=(reason or "").strip(),
        basis=basis,
        shared_by=by,
        expires_at=expires_at,
    )
    if record is not None:
        if record.person_id != person.pk or record.owning_service_id != owning_service.pk:
            raise ValidationError({"record": "That record is not this person's from your service."})
        share.content_type = ContentType.objects.get_for_model(record)
        share.object_id = record.pk
        share.category = record.category
    share.full_clean()
    share.save()
    log_change(
        by,
        [person],
        action="change",
        purpose="Share information",
        channel=channel,
        detail=f"share {share.public_id}",
    )
    return share


@transaction.atomic
def decision_not_to_share_record(
    *,
    person: Person,
    by: User,
    owning_service: Service,
    reason: str,
    recipient_service: Service | None = None,
    category: str = "",
    channel: str = "page",
) -> DecisionNotToShare:
    _require_practitioner(by)
    _own_service(by, owning_service)
    decision = DecisionNotToShare(
        person=person,
        owning_service=owning_service,
        recipient_service=recipient_service,
        category=category,
        reason=(reason or "").strip(),
        decided_by=by,
    )
    decision.full_clean()
    decision.save()
    log_change(
        by,
        [person],
        action="change",
        purpose="Decision not to share",
        channel=channel,
        detail=f"decision {decision.public_id}",
    )
    return decision


@transaction.atomic
def note_create(
    *,
    person: Person,
    by: User,
    owning_service: Service,
    title: str,
    body: str = "",
    category: str = "",
    channel: str = "page",
) -> SharedNote:
    """Write a case note for the author's own service (its owner)."""
    _require_practitioner(by)
    _own_service(by, owning_service)
    note = SharedNote(
        person=person,
        owning_service=owning_service,
        title=(title or "").strip(),
        body=body,
        category=category or SharedNote.access_category,
        recorded_by=by,
    )
    note.full_clean()
    note.save()
    log_change(
        by,
        [person],
        action="create",
        purpose="Write a case note",
        channel=channel,
        detail=f"note {note.public_id}",
    )
    return note


def break_glass_review(*, use: BreakGlass, by: User, justified: bool, note: str = "") -> BreakGlass:
    """The information governance lead's verdict on one use. Conditional UPDATE: a use is
    reviewed once; a second reviewer gets a clear message rather than overwriting."""
    if by.role != Role.IG_LEAD:
        raise PermissionDenied("Only the information governance lead reviews break-glass use.")
    if use.user_id == by.pk:
        raise PermissionDenied("You cannot review your own break-glass use.")
    if not justified and not note.strip():
        raise ValidationError({"note": "Say why the use was not justified."})
    status = ReviewStatus.JUSTIFIED if justified else ReviewStatus.NOT_JUSTIFIED
    changed = BreakGlass.objects.filter(pk=use.pk, review_status=ReviewStatus.PENDING).update(
        review_status=status, reviewed_by=by, reviewed_at=timezone.now(), review_note=note
    )
    if not changed:
        raise ValidationError({"review": "Someone has already reviewed this use."})
    use.refresh_from_db()
    return use


def break_glass_hours() -> int:
    return int(settings.FAMILYHUB_BREAK_GLASS_HOURS)


@transaction.atomic
def break_glass_start(
    *, user: User, person: Person, ground: str, reason: str, channel: str = "page"
):
    """Give `user` time-limited access (FAMILYHUB_BREAK_GLASS_HOURS) to `person`'s core record,
    their household's, and the categories the council's policy opens to break-glass, for an
    urgent safeguarding reason: a ground from the policy's list and the reason in words. Logged,
    queued for the information governance lead's review, and the lead is told at once (an
    email with a link, never the person's details). The lead professionals of the person's live
    early help episodes are notified (notifications), unless one of them broke the glass."""
    if not viewer_for(user).practitioner:
        raise PermissionDenied("Only practitioners may break the glass.")
    errors: dict[str, list[str]] = {}
    if ground not in BreakGlassGround.values:
        errors["ground"] = ["Select why you need to see this record now"]
    problem = reason_problem(reason)
    if problem:
        errors["reason"] = [problem]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    use = BreakGlass.objects.create(
        user=user,
        person=person,
        ground=ground,
        reason=reason.strip(),
        started_at=now,
        expires_at=now + timedelta(hours=break_glass_hours()),
    )
    log_change(
        user,
        [person],
        action="break_glass",
        purpose=f"Break-glass: {use.get_ground_display()}",
        channel=channel,
        detail=f"break-glass {use.public_id}: {reason.strip()[:300]}",
    )
    forget_viewer(user)
    transaction.on_commit(lambda: _tell_ig_leads(use))
    _tell_lead_professionals(use)
    return use


def _tell_lead_professionals(use: BreakGlass) -> int:
    """Notify the lead professionals of the person's live early help episodes (the "services
    involved" rows that lead), except whoever broke the glass: a link to the record only."""
    leads = {
        row.lead_user_id
        for row in involvement.services_involved([use.person_id])
        if row.leads and row.lead_user_id is not None and row.lead_user_id != use.user_id
    }
    if not leads:
        return 0
    return notify(
        sorted(leads),
        kind=NotificationKind.BREAK_GLASS,
        subject="Someone used emergency (break-glass) access to the record of a family you lead",
        url=reverse("people:person", args=[use.person.public_id]),
        key=f"break-glass:{use.public_id}",
    )


def _tell_ig_leads(use: BreakGlass) -> int:
    """Email every information governance lead a link to the use's review page (no personal
    details in the email: the link leads to a page that needs sign-in and logs its read)."""
    leads = list(
        User.objects.filter(role=Role.IG_LEAD, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not leads:
        return 0
    link = settings.FAMILYHUB_BASE_URL.rstrip("/") + reverse(
        "access:break-glass-review", args=[use.public_id]
    )
    return send_mail(
        subject=f"{settings.FAMILYHUB_SERVICE_NAME}: someone has broken the glass",
        message=(
            "A member of staff has used break-glass access to a record. Review the use here:\n"
            f"{link}\n\nThis email holds no personal details: the page needs you to sign in."
        ),
        from_email=None,
        recipient_list=leads,
        fail_silently=True,
    )
