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


# The Families First Partnership shape (the programme guide, March 2025): targeted early help and
# child in need brought together as Family Help, child protection with the Multi-Agency Child
# Protection Team. A council loads it as its own continuum (`familyhub load-continuum
# --families-first`) and then edits the words in the admin: the descriptors and examples below
# are a starting point in the guide's terms, not any council's threshold document.
FAMILIES_FIRST_LEVELS = [
    {
        "level": "1", "rank": 1, "name": "Universal", "description": "Needs met by universal services",
        "descriptors": "The child's needs are met by the family with universal services: health "
        "visiting, school, GP, the family hub's open sessions.",
        "examples": "A new parent wanting to meet others\nA child starting nursery",
        "routes_to": "family_hub", "is_statutory": False, "is_family_help": False,
        "is_child_protection": False,
    },
    {
        "level": "2", "rank": 2, "name": "Early help", "description": "Additional needs",
        "descriptors": "One or two additional needs a single service can meet with the family, "
        "with a plan agreed with them.",
        "examples": "Low school attendance with no other concern\nSleep or behaviour at home",
        "routes_to": "family_hub", "is_statutory": False, "is_family_help": False,
        "is_child_protection": False,
    },
    {
        "level": "3", "rank": 3, "name": "Family Help",
        "description": "Multiple or complex needs, including children in need (section 17)",
        "descriptors": "Needs across several areas that need a multidisciplinary Family Help team "
        "and a Family Help lead practitioner; includes children in need under section 17 of the "
        "Children Act 1989. One assessment and one plan; a family group decision-making meeting "
        "is offered.",
        "examples": "Domestic abuse with children at home, no immediate risk\nParental mental ill "
        "health affecting care\nA disabled child whose family needs support to care",
        "routes_to": "early_help", "is_statutory": True, "is_family_help": True,
        "is_child_protection": False,
    },
    {
        "level": "4", "rank": 4, "name": "Child protection",
        "description": "A child is suffering, or likely to suffer, significant harm",
        "descriptors": "Reasonable cause to suspect significant harm: the Multi-Agency Child "
        "Protection Team leads (section 47 enquiries, child protection conferences), with Family "
        "Help alongside.",
        "examples": "An injury that is not explained\nA disclosure of abuse",
        "routes_to": "social_care", "is_statutory": True, "is_family_help": False,
        "is_child_protection": True,
    },
]  # fmt: skip


def load_families_first(authority) -> int:
    """Give the council its own continuum in the Families First shape (if it has none yet);
    returns how many levels were made."""
    if ContinuumLevel.objects.filter(authority=authority).exists():
        return 0
    for fields in FAMILIES_FIRST_LEVELS:
        ContinuumLevel.objects.create(authority=authority, **fields)
    return len(FAMILIES_FIRST_LEVELS)
