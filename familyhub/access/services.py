"""Writes of the access part: consent, shares, decisions not to share, notes, break-glass reviews.

Each is atomic, validates before saving, and logs the change to the person's information.
Callers have already got the person through the access layer (person_for_viewer).
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from familyhub.access.layer import (
    _is_practitioner,
    _service_ids,
    break_glass_start,
    log_person_access,
)
from familyhub.access.models import (
    Basis,
    BreakGlass,
    Consent,
    ConsentPurpose,
    DecisionNotToShare,
    ReviewStatus,
    Share,
    SharedNote,
)
from familyhub.access.records import category_choices
from familyhub.accounts.roles import Role

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
    if not _is_practitioner(user):
        raise PermissionDenied("Only practitioners record this.")


def _own_service(user, service) -> None:
    if service.pk not in _service_ids(user):
        raise PermissionDenied("You can only do this for your own service's records.")


@transaction.atomic
def consent_record(
    *,
    person,
    by,
    given: bool,
    method: str,
    purpose: str = ConsentPurpose.SHARING,
    services=(),
    given_on: date | None = None,
    note: str = "",
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
    log_person_access(
        by,
        [person],
        action="change",
        purpose="Record consent",
        channel="page",
        detail=f"consent {'given' if given else 'refused'} for {purpose}",
    )
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, by, note: str = "") -> Consent:
    """Withdraw consent. Conditional UPDATE so two withdrawals never overwrite each other."""
    _require_practitioner(by)
    changed = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=by, withdrawal_note=note
    )
    if not changed:
        raise ValidationError({"consent": "This consent has already been withdrawn."})
    consent.refresh_from_db()
    log_person_access(
        by,
        [consent.person],
        action="change",
        purpose="Withdraw consent",
        channel="page",
        detail=f"consent {consent.public_id} withdrawn",
    )
    return consent


@transaction.atomic
def share_create(
    *,
    person,
    by,
    owning_service,
    reason: str,
    recipient_team=None,
    recipient_service=None,
    category: str = "",
    record=None,
    basis: str = Basis.SAFEGUARDING,
    expires_at: datetime | None = None,
) -> Share:
    """Share a person's records (or one record) of the sharer's own service with a named team or
    service. Only staff of the owning service may share its records."""
    from django.contrib.contenttypes.models import ContentType

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
    log_person_access(
        by,
        [person],
        action="change",
        purpose="Share information",
        channel="page",
        detail=f"share {share.public_id}",
    )
    return share


@transaction.atomic
def decision_not_to_share_record(
    *,
    person,
    by,
    owning_service,
    reason: str,
    recipient_service=None,
    category: str = "",
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
    log_person_access(
        by,
        [person],
        action="change",
        purpose="Decision not to share",
        channel="page",
        detail=f"decision {decision.public_id}",
    )
    return decision


@transaction.atomic
def note_create(
    *, person, by, owning_service, title: str, body: str = "", category: str = ""
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
    log_person_access(
        by,
        [person],
        action="create",
        purpose="Write a case note",
        channel="page",
        detail=f"note {note.public_id}",
    )
    return note


def break_glass_review(*, use: BreakGlass, by, justified: bool, note: str = "") -> BreakGlass:
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
