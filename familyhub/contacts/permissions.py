"""Who may record and change contacts. Who may see a person and open a contact is the access
layer's (a Contact is a PersonRecord: its owning service, the recording practitioner's team's
service, holds it).

A contact is recorded by a practitioner who may see the person and works in one of the council's
early help, family hub, school nursing or health visiting teams; its owning service is that
team's service. It is changed by the practitioner who recorded it, or by a manager (team leader,
service manager) in the owning service.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from familyhub.access import layer
from familyhub.accounts.roles import MANAGER_ROLES, PRACTITIONER_ROLES, has_role
from familyhub.contacts.models import Contact
from familyhub.services.models import ServiceKind, Team
from familyhub.services.selectors import teams_of

CONTACT_SERVICE_KINDS = frozenset(
    {
        ServiceKind.EARLY_HELP,
        ServiceKind.FAMILY_HUB,
        ServiceKind.SCHOOL_NURSING,
        ServiceKind.HEALTH_VISITING,
    }
)
# Records of these services are health records (access.records.Category.HEALTH).
HEALTH_SERVICE_KINDS = frozenset({ServiceKind.SCHOOL_NURSING, ServiceKind.HEALTH_VISITING})


def recording_teams(user, authority_id: int) -> QuerySet[Team]:
    """The user's teams in this council whose service records contacts."""
    if not has_role(user, PRACTITIONER_ROLES):
        return Team.objects.none()
    return (
        teams_of(user)
        .filter(service__authority_id=authority_id, service__kind__in=CONTACT_SERVICE_KINDS)
        .order_by("name")
    )


def can_record(user, person) -> bool:
    """Whether "Record a contact" would open for this user and person (the person's and the
    family's page offer the link only then)."""
    return recording_teams(user, person.authority_id).exists() and layer.can_see(user, person)


def can_change(user, contact: Contact) -> bool:
    if contact.recorded_by_id is not None and contact.recorded_by_id == user.pk:
        return True
    return (
        has_role(user, MANAGER_ROLES)
        and contact.owning_service_id in layer.viewer_for(user).service_ids
    )


def _contacts() -> QuerySet[Contact]:
    return Contact.objects.select_related("person", "household", "team", "owning_service")


def contact_for_viewer(user, public_id, *, purpose: str) -> Contact:
    """A contact the user may open (the access layer decides), or Http404."""
    return layer.record_for_viewer(user, _contacts(), public_id, purpose=purpose)


def contact_for_change(user, public_id, *, purpose: str) -> Contact:
    contact = contact_for_viewer(user, public_id, purpose=purpose)
    if not can_change(user, contact):
        # They may read it but not change it: the page does not exist for them (404), and the
        # contact's page shows them no link to it.
        raise Http404("No such page")
    return contact
