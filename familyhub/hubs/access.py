"""Who may do what with sessions, registers and bookings.

Reads of people's information go through the access layer (familyhub.access.layer). A register
may show the people booked on that session to the staff who run it, because a booking is
involvement (registered with the involvement registry in apps.py): nothing more than the register
needs (names, ages, household card number), never case notes. A card number grants nothing: a
search by card number still only finds people the viewer may see or who are booked on the
session.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from familyhub.accounts.roles import Role
from familyhub.hubs.models import Session
from familyhub.people.models import Person
from familyhub.services.selectors import teams_of

# Roles that take registers and book families onto sessions in their locality.
REGISTER_ROLES = frozenset(
    {Role.RECEPTION, Role.FAMILY_SUPPORT_WORKER, Role.TEAM_LEADER, Role.SERVICE_MANAGER}
)
# Roles that set up sessions and timetables.
SETUP_ROLES = frozenset({Role.TEAM_LEADER, Role.SERVICE_MANAGER, Role.ADMINISTRATOR})
# Roles that read the aggregate reach and capacity reports (no person's information on them).
REPORT_ROLES = frozenset(
    {Role.TEAM_LEADER, Role.SERVICE_MANAGER, Role.COMMISSIONER, Role.ADMINISTRATOR}
)


def sessions_for_staff(user) -> QuerySet[Session]:
    """The sessions a user may take the register for: those they staff, and (for hub roles) those
    at a site their team is based at or in their team's locality."""
    if not getattr(user, "is_authenticated", False):
        return Session.objects.none()
    condition = Q(staff=user)
    if user.role in REGISTER_ROLES:
        teams = list(teams_of(user))
        bases = [team.base_id for team in teams if team.base_id]
        localities = [team.locality_id for team in teams if team.locality_id]
        condition |= Q(site_id__in=bases) | Q(site__locality_id__in=localities)
    # A locality belongs to one authority, so this never reaches across councils.
    return Session.objects.filter(condition).distinct()


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


def booked_people(session: Session) -> QuerySet[Person]:
    """People with a live booking on the session or already marked as there."""
    return Person.objects.filter(
        Q(hub_bookings__session=session, hub_bookings__status__in=["booked", "waiting"])
        | Q(hubs_attendance_records__session=session),
        merged_into__isnull=True,
    ).distinct()


def visible_people(user, *, channel: str) -> QuerySet[Person]:
    """The access layer's visible people; nobody while the layer is not there (deny by default)."""
    from familyhub.access import layer

    function = getattr(layer, "visible_people", None)
    if function is None:
        return Person.objects.none()
    return function(user, channel=channel)


def log_person_access(user, people, *, action: str, purpose: str, channel: str) -> None:
    from familyhub.access import layer

    function = getattr(layer, "log_person_access", None)
    if function is not None:
        function(user, people, action=action, purpose=purpose, channel=channel)


def people_for_register(user, session: Session) -> QuerySet[Person]:
    """Who a register may show or add: the viewer's visible people plus those booked on it."""
    visible_ids = visible_people(user, channel="page").values("pk")
    booked_ids = booked_people(session).values("pk")
    return Person.objects.filter(
        Q(pk__in=visible_ids) | Q(pk__in=booked_ids), merged_into__isnull=True
    )


def person_for_register(user, session: Session, public_id) -> Person:
    """One person a register may show or add (people_for_register), or 404. Asks the access
    layer about this one person (visible_among: flat queries) instead of nesting the rule."""
    from familyhub.access import layer

    try:
        person = Person.objects.get(public_id=public_id, merged_into__isnull=True)
    except (Person.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such person") from error
    if booked_people(session).filter(pk=person.pk).exists():
        return person
    visible_among = getattr(layer, "visible_among", None)
    if visible_among is not None and person.pk in visible_among(user, [person.pk]):
        return person
    raise Http404("No such person")


def _sessions_run_by(user, viewer) -> QuerySet[Session]:
    """sessions_for_staff, from the access layer's Viewer (teams read once per request)."""
    if viewer is None:
        return sessions_for_staff(user)
    condition = Q(staff=user)
    if user.role in REGISTER_ROLES:
        condition |= Q(site_id__in=viewer.base_ids) | Q(site__locality_id__in=viewer.locality_ids)
    return Session.objects.filter(condition)


def booking_involvement(user, *, viewer=None) -> QuerySet:
    """Involvement provider: people booked (or waiting) on sessions this user may run."""
    from familyhub.hubs.models import Booking

    return Booking.objects.filter(
        session__in=_sessions_run_by(user, viewer).values("pk"), status__in=["booked", "waiting"]
    ).values("person_id")


def attendance_involvement(user, *, viewer=None) -> QuerySet:
    """Involvement provider: people who came to sessions this user may run."""
    from familyhub.hubs.models import Attendance

    return Attendance.objects.filter(
        session__in=_sessions_run_by(user, viewer).values("pk")
    ).values("person_id")
