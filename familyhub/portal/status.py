"""What happened to a family's request for help, in plain words (never the front door's own
states: "stepped up" or "no further action" mean nothing to a family)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from familyhub.referrals.models import Referral, ReferralStatus


def help_status(referral: Referral) -> str:
    status = referral.status
    if status == ReferralStatus.RECEIVED:
        due = referral.decision_due_at
        when = f"{due:%A} {due.day} {due:%B}" if due else ""
        return _("We have your request. Someone will look at it by %(when)s.") % {"when": when}
    if status == ReferralStatus.MORE_INFO:
        return _("We need to ask you something. We will get in touch with you.")
    if status in (ReferralStatus.ACCEPTED, ReferralStatus.ALLOCATED):
        return _("A team is going to help you. They will get in touch with you.")
    if status == ReferralStatus.SIGNPOSTED:
        return _("We have found services that can help. We will send you their details.")
    if status in (ReferralStatus.SENT, ReferralStatus.STEPPED_UP):
        return _("We have passed your request to another team. They will get in touch with you.")
    return _("We have looked at your request. We will get in touch to tell you what happens next.")
