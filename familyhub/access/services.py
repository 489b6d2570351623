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
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from familyhub.access import involvement
from familyhub.access.layer import FAMILY_ROLE, can_see, family_people
from familyhub.access.models import (
    AccessQuestion,
    AddressProtection,
    Article9Condition,
    Basis,
    BreakGlass,
    BreakGlassGround,
    ChronologyEntry,
    Consent,
    ConsentPurpose,
    DecisionNotToShare,
    DecisionReview,
    FamilyLink,
    FamilyRelationship,
    HowConfirmed,
    ReviewStatus,
    Share,
    SharedNote,
    SubjectAccessRequest,
    SubjectAccessStatus,
    is_special_category,
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
    "chronology_mark",
    "consent_record",
    "consent_withdraw",
    "current_sharing_consent",
    "decision_not_to_share_record",
    "decision_review",
    "confirm_family_link",
    "end_family_link",
    "family_consent_withdraw",
    "access_question_ask",
    "access_question_answer",
    "address_protection_record",
    "subject_access_record",
    "subject_access_close",
    "lawful_basis_problems",
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


def current_sharing_consent(person: Person, service: Service | None) -> Consent | None:
    """The person's recorded, unwithdrawn consent to sharing that covers `service` (a consent
    naming no services covers every one), newest first; None if there is none."""
    consents = Consent.objects.filter(
        person=person, given=True, withdrawn_at__isnull=True, purpose=ConsentPurpose.SHARING
    )
    if service is not None:
        consents = consents.filter(Q(services__isnull=True) | Q(services=service))
    return consents.order_by("-given_on", "-created_at").first()


def lawful_basis_problems(
    *,
    person: Person,
    basis: str,
    category: str,
    article9_condition: str,
    safeguarding_reason: str,
    recipient_service: Service | None,
) -> tuple[dict[str, list[str]], Consent | None]:
    """The lawful-basis rules of a share, as errors by field, and the consent relied on:
    - the basis is one of the law's (UK GDPR Article 6(1), the s.16LA duty);
    - consent as the basis needs a recorded, unwithdrawn consent of this person to sharing with
      the recipient;
    - the s.16LA duty without the family's consent needs the safeguarding reason in words;
    - special category data (Article 9: health, mental health, sexual health, sexual violence,
      substance use, or "everything", which may hold them) needs an Article 9 condition, and
      explicit consent as that condition needs the consent recorded."""
    errors: dict[str, list[str]] = {}
    consent = current_sharing_consent(person, recipient_service)
    if basis not in Basis.values:
        errors["basis"] = ["Select the lawful basis for sharing"]
    elif basis == Basis.CONSENT and consent is None:
        errors["basis"] = [
            "Lawful basis: there is no recorded consent to sharing with this service that has "
            "not been withdrawn. Record their consent first, or choose another basis"
        ]
    elif basis == Basis.DUTY_TO_SHARE and consent is None:
        problem = reason_problem(
            safeguarding_reason, asked="the safeguarding reason for sharing without consent"
        )
        if problem:
            errors["safeguarding_reason"] = [problem]
    if is_special_category(category):
        if not article9_condition:
            errors["article9_condition"] = [
                "Select the Article 9 condition: this is special category data (such as health)"
            ]
        elif article9_condition not in Article9Condition.values:
            errors["article9_condition"] = ["Select an Article 9 condition from the list"]
    if article9_condition == Article9Condition.EXPLICIT_CONSENT and consent is None:
        errors.setdefault("article9_condition", []).append(
            "Article 9 condition: explicit consent needs their consent recorded first"
        )
    return errors, consent


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
    basis: str = Basis.DUTY_TO_SHARE,
    article9_condition: str = "",
    safeguarding_reason: str = "",
    expires_at: datetime | None = None,
    channel: str = "page",
) -> Share:
    """Share a person's records (or one record) of the sharer's own service with a named team or
    service, on a lawful basis (lawful_basis_problems). Only staff of the owning service may
    share its records."""
    _require_practitioner(by)
    _own_service(by, owning_service)
    if recipient_team is None and recipient_service is None:
        raise ValidationError({"recipient": "Choose the team or service to share with."})
    if category and category not in dict(category_choices()):
        raise ValidationError({"category": "Choose a category from the list."})
    if record is not None:
        if record.person_id != person.pk or record.owning_service_id != owning_service.pk:
            raise ValidationError({"record": "That record is not this person's from your service."})
        category = record.category
    errors, consent = lawful_basis_problems(
        person=person,
        basis=basis,
        category=category,
        article9_condition=article9_condition,
        safeguarding_reason=safeguarding_reason,
        recipient_service=recipient_service or (recipient_team.service if recipient_team else None),
    )
    if errors:
        raise ValidationError(errors)
    share = Share(
        person=person,
        owning_service=owning_service,
        category=category,
        recipient_team=recipient_team,
        recipient_service=recipient_service,
        reason=(reason or "").strip(),
        basis=basis,
        article9_condition=article9_condition,
        safeguarding_reason=(safeguarding_reason or "").strip(),
        consent=consent if basis in (Basis.CONSENT, Basis.DUTY_TO_SHARE) else None,
        shared_by=by,
        expires_at=expires_at,
    )
    if record is not None:
        share.content_type = ContentType.objects.get_for_model(record)
        share.object_id = record.pk
    share.full_clean()
    share.save()
    log_change(
        by,
        [person],
        action="change",
        purpose="Share information",
        channel=channel,
        detail=f"share {share.public_id} on {basis}"
        + (f" ({article9_condition})" if article9_condition else ""),
    )
    return share


@transaction.atomic
def decision_not_to_share_record(
    *,
    person: Person,
    by: User,
    owning_service: Service,
    reason: str,
    detriment: str = "",
    recipient_service: Service | None = None,
    category: str = "",
    channel: str = "page",
) -> DecisionNotToShare:
    """Record a decision not to share. The s.16LA duty allows one exception: sharing would be
    more detrimental to the child than not sharing; the decision says why (`detriment`), and
    waits for the information governance lead's review (decision_review)."""
    _require_practitioner(by)
    _own_service(by, owning_service)
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = ["Enter the reason for not sharing"]
    problem = reason_problem(detriment, asked="why sharing would be more detrimental to the child")
    if problem:
        errors["detriment"] = [problem]
    if category and category not in dict(category_choices()):
        errors["category"] = ["Choose a category from the list"]
    if errors:
        raise ValidationError(errors)
    decision = DecisionNotToShare(
        person=person,
        owning_service=owning_service,
        recipient_service=recipient_service,
        category=category,
        reason=(reason or "").strip(),
        detriment=detriment.strip(),
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
def decision_review(
    *,
    decision: DecisionNotToShare,
    by: User,
    uphold: bool,
    note: str = "",
    channel: str = "page",
) -> DecisionNotToShare:
    """The information governance lead's review of a decision not to share: upheld, or
    overturned, which ends the decision so the sharing it stopped is restored. Conditional
    UPDATE: a decision is reviewed once; a second reviewer gets a clear message."""
    if by.role != Role.IG_LEAD:
        raise PermissionDenied("Only the information governance lead reviews these decisions.")
    if decision.decided_by_id == by.pk:
        raise PermissionDenied("You cannot review your own decision.")
    if not uphold and not (note or "").strip():
        raise ValidationError({"note": "Say why the decision is overturned"})
    now = timezone.now()
    changes: dict = {
        "review_outcome": DecisionReview.UPHELD if uphold else DecisionReview.OVERTURNED,
        "reviewed_by": by,
        "reviewed_at": now,
        "review_note": (note or "").strip(),
    }
    if not uphold:
        changes["ended_at"] = Coalesce(F("ended_at"), Value(now))
    changed = DecisionNotToShare.objects.filter(
        pk=decision.pk, review_outcome=DecisionReview.PENDING
    ).update(**changes)
    if not changed:
        raise ValidationError({"review": "Someone has already reviewed this decision."})
    decision.refresh_from_db()
    log_change(
        by,
        [decision.person],
        action="change",
        purpose="Review a decision not to share",
        channel=channel,
        detail=f"decision {decision.public_id} {decision.review_outcome}",
    )
    return decision


@transaction.atomic
def chronology_mark(
    *,
    person: Person,
    by: User,
    record,
    owning_service: Service,
    category: str,
    significant: bool,
    note: str = "",
    version: int | None = None,
    channel: str = "page",
) -> ChronologyEntry:
    """Mark one event of a child's chronology significant or not, with a one-line note. The
    caller has found the event on the chronology the user may see (access.chronology). One
    entry per event; `version` (the entry's, as the form saw it; None when there was none)
    stops two practitioners' edits silently overwriting each other."""
    _require_practitioner(by)
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError({"note": "Keep the note to 200 characters or fewer"})
    content_type = ContentType.objects.get_for_model(record)
    entry = ChronologyEntry.objects.filter(
        person=person, content_type=content_type, object_id=record.pk
    ).first()
    if entry is None:
        if version:
            raise ValidationError({"note": "Someone has changed this event since you opened it"})
        entry = ChronologyEntry(
            person=person,
            owning_service=owning_service,
            category=category or "general",
            content_type=content_type,
            object_id=record.pk,
            significant=significant,
            note=note,
            recorded_by=by,
        )
        entry.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            raise ValidationError(
                {"note": "Someone has changed this event since you opened it"}
            ) from None
    else:
        changed = ChronologyEntry.objects.filter(
            pk=entry.pk, version=version if version is not None else -1
        ).update(
            significant=significant,
            note=note,
            recorded_by=by,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        if not changed:
            raise ValidationError({"note": "Someone has changed this event since you opened it"})
        entry.refresh_from_db()
    log_change(
        by,
        [person],
        action="change",
        purpose="Chronology",
        channel=channel,
        detail=f"chronology {entry.public_id}: {'significant' if significant else 'not'}",
    )
    return entry


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
    for_family: bool = False,
) -> SharedNote:
    """Write a case note for the author's own service (its owner). It is for colleagues unless
    the author says the family may read it (for_family)."""
    _require_practitioner(by)
    _own_service(by, owning_service)
    note = SharedNote(
        person=person,
        owning_service=owning_service,
        title=(title or "").strip(),
        body=body,
        category=category or SharedNote.access_category,
        recorded_by=by,
        for_family=bool(for_family),
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


# --- family accounts' links to the register ---------------------------------------------------


@transaction.atomic
def confirm_family_link(
    *, staff_user: User, account: User, person: Person, relationship: str, how_confirmed: str
) -> FamilyLink:
    """A practitioner confirms that a family account is this person (or their parent or carer):
    only then does the account see anything of the record. Refused if the practitioner may not
    see the person, or the account is not a family account. Confirming a link that is already
    live returns it unchanged."""
    _require_practitioner(staff_user)
    if not can_see(staff_user, person):
        raise PermissionDenied("You can only confirm a link to someone whose record you can see.")
    if getattr(account, "role", "") != FAMILY_ROLE:
        raise ValidationError({"account": "This is not a family account."})
    if relationship not in FamilyRelationship.values:
        raise ValidationError({"relationship": "Choose how the account holder is related."})
    if how_confirmed not in HowConfirmed.values:
        raise ValidationError({"how_confirmed": "Choose how you confirmed who they are."})
    existing = FamilyLink.objects.filter(user=account, person=person, ended_at__isnull=True).first()
    if existing is not None:
        return existing
    link = FamilyLink.objects.create(
        user=account,
        person=person,
        relationship=relationship,
        how_confirmed=how_confirmed,
        confirmed_by=staff_user,
    )
    log_change(
        staff_user,
        [person],
        action="change",
        purpose="Confirm a family account",
        detail=f"family link {link.public_id} ({relationship}, {how_confirmed})",
    )
    return link


@transaction.atomic
def end_family_link(link: FamilyLink, *, by: User) -> FamilyLink:
    """End a family account's link (by staff, or by the account holder): from this moment the
    account sees nothing through it. Ending an ended link changes nothing."""
    changed = FamilyLink.objects.filter(pk=link.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), ended_by=by
    )
    link.refresh_from_db()
    if changed:
        log_change(
            by,
            [link.person],
            action="change",
            purpose="End a family account's link",
            detail=f"family link {link.public_id} ended",
        )
    return link


# --- the family side: consent, questions about the access log -------------------------------


def _require_family_person(user, person: Person) -> None:
    if not family_people(user).filter(pk=person.pk).exists():
        raise PermissionDenied("That is not someone on your family record.")


@transaction.atomic
def family_consent_withdraw(*, consent: Consent, by: User, note: str = "") -> Consent:
    """A family member withdraws a consent they (or a practitioner with them) recorded, for
    themselves or a child they are responsible for. Effective at once: the access layer reads
    consent live (agreements on consent, and shares made on it)."""
    _require_family_person(by, consent.person)
    changed = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(),
        withdrawn_by=by,
        withdrawal_note=(note or "Withdrawn by the family on the family side").strip(),
    )
    if not changed:
        raise ValidationError({"consent": "This consent has already been withdrawn."})
    consent.refresh_from_db()
    log_change(
        by,
        [consent.person],
        action="change",
        purpose="Withdraw consent (family side)",
        detail=f"consent {consent.public_id} withdrawn",
    )
    return consent


@transaction.atomic
def access_question_ask(*, by: User, person: Person, log_seq: int, question: str) -> AccessQuestion:
    """A family member asks about one entry of their record's access log; every information
    governance lead is told (a notification with no personal details)."""
    from familyhub.audit.models import AccessLog

    _require_family_person(by, person)
    text = (question or "").strip()
    if not text:
        raise ValidationError({"question": "Enter your question"})
    if len(text) > 2000:
        raise ValidationError({"question": "Your question must be 2,000 characters or fewer"})
    if not AccessLog.objects.filter(seq=log_seq, person_pk=person.pk).exists():
        raise ValidationError({"question": "That entry is not on your record"})
    asked = AccessQuestion.objects.create(
        person=person, asked_by=by, log_seq=log_seq, question=text
    )
    log_change(
        by,
        [person],
        action="create",
        purpose="Ask about who looked at my record",
        detail=f"access question {asked.public_id} about log entry {log_seq}",
    )
    notify(
        User.objects.filter(role=Role.IG_LEAD),
        kind=NotificationKind.ESCALATION,
        subject="A family has asked about who looked at their record",
        url=reverse("access:question", args=[asked.public_id]),
        key=f"access-question-{asked.public_id}",
    )
    return asked


@transaction.atomic
def access_question_answer(
    *, question: AccessQuestion, by: User, answer: str, version: int
) -> AccessQuestion:
    """The information governance lead answers a family's question (shown to them on their
    side). Refused if someone else answered since the page was opened."""
    if getattr(by, "role", "") != Role.IG_LEAD:
        raise PermissionDenied("Only the information governance lead answers these.")
    text = (answer or "").strip()
    if not text:
        raise ValidationError({"answer": "Enter your answer"})
    changed = AccessQuestion.objects.filter(pk=question.pk, version=version).update(
        answer=text, answered_by=by, answered_at=timezone.now(), version=F("version") + 1
    )
    if not changed:
        raise ValidationError(
            {"answer": "Someone else answered this question while you were writing. Read theirs."}
        )
    question.refresh_from_db()
    log_change(
        by,
        [question.person],
        action="change",
        purpose="Answer a family's question about access",
        detail=f"access question {question.public_id} answered",
    )
    return question


@transaction.atomic
def address_protection_record(
    *, person: Person, by: User, reason: str, from_person: Person | None = None
) -> AddressProtection:
    """Protect a person's address and contact details on the family side (from one household
    member, or from everyone). Only someone who may see the person records it."""
    _require_practitioner(by)
    if not can_see(by, person):
        raise PermissionDenied("You can only protect someone whose record you can see.")
    problem = reason_problem(reason, asked="why the address is protected")
    if problem:
        raise ValidationError({"reason": problem})
    protection = AddressProtection.objects.create(
        person=person, from_person=from_person, reason=reason.strip(), recorded_by=by
    )
    log_change(
        by,
        [person],
        action="change",
        purpose="Protect an address on the family side",
        detail=f"address protection {protection.public_id}",
    )
    return protection


# --- subject access requests (the information governance lead) -------------------------------


def _require_ig(by) -> None:
    if getattr(by, "role", "") != Role.IG_LEAD:
        raise PermissionDenied("Only the information governance lead handles these.")


@transaction.atomic
def subject_access_record(
    *, person: Person, by: User, requested_by: str, received_on: date, notes: str = ""
) -> SubjectAccessRequest:
    """Record a subject access request with its deadline (one calendar month from receipt)."""
    from familyhub.access.subject_access import deadline_for

    _require_ig(by)
    who = (requested_by or "").strip()
    if not who:
        raise ValidationError({"requested_by": "Enter who asked for the information"})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The date received must be today or in the past"})
    request = SubjectAccessRequest.objects.create(
        person=person,
        requested_by=who[:200],
        received_on=received_on,
        due_on=deadline_for(received_on),
        notes=(notes or "").strip(),
        recorded_by=by,
    )
    log_change(
        by,
        [person],
        action="create",
        purpose="Record a subject access request",
        detail=f"subject access request {request.public_id}, due {request.due_on:%Y-%m-%d}",
    )
    return request


@transaction.atomic
def subject_access_close(
    *, request: SubjectAccessRequest, by: User, status: str, version: int, note: str = ""
) -> SubjectAccessRequest:
    """Mark a request sent (or closed without sending, with a note why)."""
    _require_ig(by)
    if status not in (SubjectAccessStatus.SENT, SubjectAccessStatus.CLOSED):
        raise ValidationError({"status": "Choose sent or closed"})
    if status == SubjectAccessStatus.CLOSED and not (note or "").strip():
        raise ValidationError({"note": "Say why the request is closed without sending"})
    changed = SubjectAccessRequest.objects.filter(
        pk=request.pk, version=version, status=SubjectAccessStatus.OPEN
    ).update(
        status=status,
        closed_at=timezone.now(),
        notes=Coalesce(F("notes"), Value("")),
        version=F("version") + 1,
    )
    if not changed:
        raise ValidationError({"status": "Someone else changed this request. Open it again."})
    request.refresh_from_db()
    if note:
        request.notes = (request.notes + "\n" + note.strip()).strip()
        request.save(update_fields=["notes"])
    log_change(
        by,
        [request.person],
        action="change",
        purpose="Close a subject access request",
        detail=f"subject access request {request.public_id} {status}",
    )
    return request
