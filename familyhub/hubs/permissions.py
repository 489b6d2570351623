"""Who may do what with sessions, registers and bookings (roles and which sessions a person
runs). Who may see which people is the access layer's (familyhub.access.layer): a register shows
the people booked on the session to the staff who run it because a booking on a session a team
runs is involvement (hubs.involvement), and nothing more than a register needs (names, ages,
the family's card number), never case notes.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from familyhub.access.viewer import Viewer, viewer_for
from familyhub.accounts.roles import PRACTITIONER_ROLES, Role, has_role
from familyhub.hubs.models import Session

# Roles that take registers and book families onto sessions their team runs.
REGISTER_ROLES = frozenset(
    {Role.RECEPTION, Role.FAMILY_SUPPORT_WORKER, Role.TEAM_LEADER, Role.SERVICE_MANAGER}
)
# Roles that set up sessions and timetables.
SETUP_ROLES = frozenset({Role.TEAM_LEADER, Role.SERVICE_MANAGER, Role.ADMINISTRATOR})
# Roles that read the aggregate reach and capacity reports (no person's information on them).
REPORT_ROLES = frozenset(
    {Role.TEAM_LEADER, Role.SERVICE_MANAGER, Role.COMMISSIONER, Role.ADMINISTRATOR}
)


def sessions_run_by(viewer: Viewer) -> QuerySet[Session]:
    """The sessions a person runs: those they staff, and (for hub roles) their team's service's
    sessions at its hub, or counting toward it (where the council works by locality, at any site
    of the team's locality)."""
    condition = Q(staff=viewer.user_id) if viewer.user_id else Q(pk__in=[])
    if viewer.role in REGISTER_ROLES and viewer.service_ids:
        condition |= Q(service_id__in=viewer.service_ids) & (
            viewer.site_q("site") | viewer.site_q("hub")
        )
    return Session.objects.filter(condition)


def sessions_for_staff(user) -> QuerySet[Session]:
    """The sessions a user may take the register for and book families onto."""
    if not getattr(user, "is_authenticated", False):
        return Session.objects.none()
    return Session.objects.filter(pk__in=sessions_run_by(viewer_for(user)).values("pk"))


def session_for_staff(user, public_id) -> Session:
    """One session the user may run, or 404 for both "absent" and "not yours"."""
    try:
        return (
            sessions_for_staff(user)
            .select_related("activity", "site", "site__locality", "service", "series")
            .get(public_id=public_id)
        )
    except (Session.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such session") from error


# A family is booked onto what is coming up in the next few weeks.
BOOKING_WEEKS = 6


def bookable_sessions(user) -> QuerySet[Session]:
    """The sessions coming up that this user may book a family onto."""
    today = timezone.localdate()
    return sessions_for_staff(user).filter(
        date__gte=today, date__lte=today + datetime.timedelta(weeks=BOOKING_WEEKS), cancelled=False
    )


def can_book(user, person=None) -> bool:
    """Whether "Book onto a session" would lead somewhere for this user: a practitioner with a
    session coming up to book onto (who they may book is the access layer's, on the page)."""
    return has_role(user, PRACTITIONER_ROLES) and bookable_sessions(user).exists()
