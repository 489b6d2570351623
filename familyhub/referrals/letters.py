"""Referral letters for partners outside Familyhub: the printable page is referrals/letter.html;
this sends the same letter, as plain text, to the partner's secure email address."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from familyhub.audit.log import log_shown
from familyhub.referrals.models import Referral, ReferralEvent, ReferralStatus, SentBy


def secure_domains() -> tuple[str, ...]:
    """The email domains the council's data-sharing protocol counts as secure (nhs.net by
    default; FAMILYHUB_SECURE_EMAIL_DOMAINS, comma-separated, to change)."""
    return tuple(
        domain.strip().lower().lstrip("@")
        for domain in getattr(settings, "FAMILYHUB_SECURE_EMAIL_DOMAINS", ["nhs.net"])
        if domain.strip()
    )


def is_secure_address(address: str) -> bool:
    domain = address.rpartition("@")[2].lower()
    return bool(domain) and any(
        domain == secure or domain.endswith("." + secure) for secure in secure_domains()
    )


def send_by_secure_email(referral_id: int) -> bool:
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("person", "owning_service", "recorded_by")
            .get(pk=referral_id)
        )
        if (
            referral.sent_by != SentBy.SECURE_EMAIL
            or referral.events.filter(to_state="emailed").exists()
        ):
            return False
        if not is_secure_address(referral.sent_to):
            raise ValueError("Not a secure email address: the referral was not sent.")
        body = render_to_string("referrals/letter.txt", {"referral": referral})
        EmailMessage(
            subject=f"Referral from {referral.referrer_organisation or 'Familyhub'}",
            body=body,
            to=[referral.sent_to],
            reply_to=[referral.referrer_email] if referral.referrer_email else None,
        ).send()
        ReferralEvent.objects.create(
            referral=referral,
            from_state=ReferralStatus.SENT,
            to_state="emailed",
            at=timezone.now(),
            note=referral.sent_to,
        )
        # The person's details left the system: the access log says to whom.
        log_shown(
            referral.recorded_by,
            [referral.person],
            purpose="Send a referral to a partner by secure email",
            channel="task",
            action="export",
            detail=f"to {referral.sent_to}",
        )
    return True
