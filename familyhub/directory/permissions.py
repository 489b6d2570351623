"""Who does what in the directory.

The public (anyone, signed in or not) searches the directory and reads its API. Its editors are
service managers (they answer for their services' information) and administrators (who keep the
directory as a whole and run imports): they work the stale records' worklist, edit records, mark
them checked and import feeds. Signposting is a practitioner's, on the record of someone they may
see (access.layer), as a member of one of the council's teams (whose service owns the signpost).
"""

from __future__ import annotations

from django.db.models import QuerySet

from familyhub.access import layer
from familyhub.accounts.roles import PRACTITIONER_ROLES, Role, has_role
from familyhub.services.models import Team
from familyhub.services.selectors import teams_of

EDITOR_ROLES = frozenset({Role.SERVICE_MANAGER, Role.ADMINISTRATOR})


def can_edit(user) -> bool:
    return has_role(user, EDITOR_ROLES)


def signposting_teams(user, authority_id: int) -> QuerySet[Team]:
    """The user's teams in this council (the first one owns a signpost unless they choose)."""
    if not has_role(user, PRACTITIONER_ROLES):
        return Team.objects.none()
    return teams_of(user).filter(service__authority_id=authority_id).order_by("name")


def can_signpost(user, person) -> bool:
    """Whether "Signpost to a service" would open for this user and person."""
    return signposting_teams(user, person.authority_id).exists() and layer.can_see(user, person)
