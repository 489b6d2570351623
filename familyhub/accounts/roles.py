"""The roles people hold in an integrated 0-19 service (DESIGN.md, 'Who uses it')."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    RECEPTION = "reception", "Reception / family hub worker"
    FAMILY_SUPPORT_WORKER = "family_support_worker", "Family support worker"
    LEAD_PROFESSIONAL = "lead_professional", "Lead professional"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    SCHOOL_NURSE = "school_nurse", "School nurse"
    TRIAGE_OFFICER = "triage_officer", "Front door (triage) officer"
    TEAM_LEADER = "team_leader", "Team leader"
    SERVICE_MANAGER = "service_manager", "Service manager"
    COMMISSIONER = "commissioner", "Commissioner / analyst"
    IG_LEAD = "ig_lead", "Information governance lead"
    ADMINISTRATOR = "administrator", "Administrator"


# Practitioners record and read case information about the families they work with.
PRACTITIONER_ROLES = frozenset(
    {
        Role.RECEPTION,
        Role.FAMILY_SUPPORT_WORKER,
        Role.LEAD_PROFESSIONAL,
        Role.HEALTH_VISITOR,
        Role.SCHOOL_NURSE,
        Role.TRIAGE_OFFICER,
        Role.TEAM_LEADER,
        Role.SERVICE_MANAGER,
    }
)
# Managers see their teams' caseloads and performance.
MANAGER_ROLES = frozenset({Role.TEAM_LEADER, Role.SERVICE_MANAGER})
# Planners and analysts work with aggregates, never with people's records.
PLANNING_ROLES = frozenset({Role.COMMISSIONER, Role.SERVICE_MANAGER, Role.ADMINISTRATOR})
