"""Who may make and decide referrals (roles). Who may see a referral is the access layer's: a
Referral is a PersonRecord owned by the front door, taken part in by the team it was allocated to
(Referral.access_participants), and its author sees what they sent (access.layer.authored_record).
"""

from __future__ import annotations

from django.http import Http404

from familyhub.access.layer import record_for_viewer, viewer_for
from familyhub.accounts.roles import MANAGER_ROLES, PRACTITIONER_ROLES, Role, has_role
from familyhub.referrals.models import Referral

FRONT_DOOR_ROLES = frozenset({Role.TRIAGE_OFFICER, *MANAGER_ROLES})
# Anyone who works with families may refer one (a family's own request is taken by a practitioner).
REFERRER_ROLES = PRACTITIONER_ROLES
# A receiving service's practitioners work its inbox (the front door's officers have its queue).
INBOX_ROLES = PRACTITIONER_ROLES - {Role.TRIAGE_OFFICER}


def is_front_door(user) -> bool:
    return has_role(user, FRONT_DOOR_ROLES)


def may_decide(user, referral: Referral) -> bool:
    """Only the front door that holds the referral decides it (while it is open)."""
    return is_front_door(user) and referral.owning_service_id in viewer_for(user).service_ids


def referral_for_decision(user, public_id) -> Referral:
    """A referral the user may open and decide, or Http404."""
    referral = record_for_viewer(user, Referral, public_id, purpose="Decide a referral")
    if not may_decide(user, referral):
        raise Http404("No such referral")
    return referral


def may_work_inbox(user, referral: Referral) -> bool:
    """A practitioner of the receiving service (any service but the front door, whose triage
    officers decide with a level of need) acts on the referrals in its inbox."""
    viewer = viewer_for(user)
    in_inbox = (
        referral.receiving_team_id in viewer.team_ids
        if referral.receiving_team_id
        else referral.owning_service_id in viewer.service_ids
    )
    return has_role(user, PRACTITIONER_ROLES) and not referral.to_front_door and in_inbox


def referral_for_inbox(user, public_id) -> Referral:
    """A referral in one of the user's services' inboxes that they may act on, or Http404."""
    referral = record_for_viewer(user, Referral, public_id, purpose="Act on a referral")
    if not may_work_inbox(user, referral):
        raise Http404("No such referral")
    return referral
