"""The default continuum of need (four levels, the Lancashire shape: level,name,description,
service_offer). The data migration 0002 holds its own copy, because migrations never import app
code; this copy serves the demo loader and tests whose database was flushed."""

from __future__ import annotations

from familyhub.referrals.models import ContinuumLevel

DEFAULT_LEVELS = [
    ("1", 1, "Universal", "Thriving",
     "Universal services: registration of births; information, advice and guidance; community resilience", False),
    ("2", 2, "Additional support needs", "Just coping",
     "Universal plus targeted early help", False),
    ("3", 3, "Complex support needs", "Struggling to cope",
     "Targeted early help: lead professional; one-to-one and group support; Supporting Families; Family Nurse Partnership; NEET support", False),
    ("4", 4, "Statutory", "Not coping",
     "Statutory services (4a child in need, 4b child protection, 4c children looked after); early help gives additional support at 4a", True),
]  # fmt: skip


def ensure_default_continuum() -> int:
    """Create any missing default level; returns how many were created."""
    created = 0
    for level, rank, name, description, offer, statutory in DEFAULT_LEVELS:
        _, made = ContinuumLevel.objects.get_or_create(
            authority=None,
            level=level,
            defaults={
                "rank": rank,
                "name": name,
                "description": description,
                "service_offer": offer,
                "is_statutory": statutory,
            },
        )
        created += int(made)
    return created
