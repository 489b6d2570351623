"""The routes into a record, counted: for the information governance lead, each way a team comes
to see a family (every involvement provider the parts register, by its docstring's first line)
and how many people it opens to each team, by role. Counts only: no person is shown or logged.

A team's members of one role see what a Viewer of that team and role sees (the providers work on
teams, services, bases and localities; a person's own named caseload is counted with the team)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Q

from familyhub.access import involvement
from familyhub.access.layer import visible_people
from familyhub.access.viewer import Viewer
from familyhub.accounts.roles import PRACTITIONER_ROLES, Role
from familyhub.people.models import Person
from familyhub.services.models import Team, TeamMembership


@dataclass
class TeamRoutes:
    """One team and role: people opened by each route, and in all (with their households)."""

    team: Team
    role: str
    members: int
    by_route: dict[str, int] = field(default_factory=dict)
    in_all: int = 0

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role in Role.values else self.role


def route_names() -> list[str]:
    return [involvement.route_name(provider) for provider in involvement.providers]


def _team_viewer(team: Team, role: str) -> Viewer:
    return Viewer(
        user=None,
        practitioner=True,
        role=role,
        team_ids=[team.pk],
        service_ids=[team.service_id],
        authority_ids=[team.service.authority_id],
        base_ids=[team.base_id] if team.base_id else [],
        locality_ids=[team.locality_id] if team.locality_id else [],
    )


def _opened(viewer: Viewer, answer) -> int:
    where = (
        Q(pk__in=Person.objects.filter(answer).values("pk"))
        if isinstance(answer, Q)
        else Q(pk__in=answer)
    )
    return Person.objects.filter(
        where, merged_into__isnull=True, authority_id__in=viewer.authority_ids
    ).count()


def team_routes(authority_id: int) -> Iterator[TeamRoutes]:
    """Every team of the council with practitioners in it, one row per role they hold."""
    pairs = (
        TeamMembership.objects.filter(
            team__service__authority_id=authority_id, user__role__in=PRACTITIONER_ROLES
        )
        .values_list("team_id", "user__role")
        .order_by()
    )
    roles: dict[int, dict[str, int]] = {}
    for team_id, role in pairs:
        roles.setdefault(team_id, {}).setdefault(role, 0)
        roles[team_id][role] += 1
    teams = (
        Team.objects.filter(pk__in=roles)
        .select_related("service")
        .order_by("service__name", "name")
    )
    for team in teams:
        for role, members in sorted(roles[team.pk].items()):
            viewer = _team_viewer(team, role)
            row = TeamRoutes(team=team, role=role, members=members)
            for provider in involvement.providers:
                row.by_route[involvement.route_name(provider)] = _opened(viewer, provider(viewer))
            row.in_all = visible_people(None, viewer=viewer).count()
            yield row
