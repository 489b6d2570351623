"""The directory's own taxonomy: the needs a family may come with, in plain words.

Open Referral lets a directory use any taxonomy; a parent searching "by need" needs a short list
in everyday language, so the directory ships this one (its terms' ids are fixed, derived from the
code, so every installation and every feed that reads ours sees the same ids). Imported feeds
bring their own taxonomies (the LGA's service types, say), kept beside it.

The codes are also the keys of the signposting indicators (indicators.py): never rename one.
Council services and family hub sessions are given needs from what they are (sync.py), by the
maps below.
"""

from __future__ import annotations

import uuid

from familyhub.directory.models import Taxonomy, TaxonomyTerm
from familyhub.hubs.models import OutcomeArea
from familyhub.services.models import ServiceKind

TAXONOMY_ID = uuid.UUID("6f1c6f0e-6c7b-5a43-9b0b-7a0a3f0d2c11")
TAXONOMY_NAME = "Familyhub needs"
TAXONOMY_DESCRIPTION = "What a family may want help with, in everyday words"
TAXONOMY_VERSION = "1"

# code, name, description (what a parent reads under it)
NEEDS: tuple[tuple[str, str, str], ...] = (
    (
        "babies_young_children",
        "Babies and young children",
        "Baby and toddler groups, play, and how your child is growing and learning",
    ),
    ("feeding", "Feeding your baby", "Help with breastfeeding and bottle feeding"),
    ("parenting", "Parenting and family life", "Routines, behaviour and getting on as a family"),
    ("health", "Health", "Staying healthy, eating well, immunisations and health checks"),
    (
        "mental_health",
        "Feelings and mental health",
        "Someone to talk to when you or your child are finding things hard",
    ),
    ("money", "Money, debt and benefits", "Help with bills, debt, benefits and free childcare"),
    ("work_learning", "Work, training and learning", "Courses, skills and finding work"),
    ("housing", "Housing", "Somewhere safe to live, and help if you might lose your home"),
    (
        "domestic_abuse",
        "Domestic abuse",
        "Confidential help if someone close to you hurts, controls or frightens you",
    ),
    ("food", "Food and essentials", "Food banks, baby banks, clothes and school uniform"),
    (
        "send",
        "Special educational needs and disabilities (SEND)",
        "Support for children with additional needs or a disability, and their families",
    ),
    ("school", "School and education", "Starting school, attendance and support at school"),
    (
        "activities",
        "Activities for children and young people",
        "Clubs, holiday activities and youth groups",
    ),
)
NEED_CODES = tuple(code for code, _, _ in NEEDS)


def term_id(code: str) -> uuid.UUID:
    return uuid.uuid5(TAXONOMY_ID, code)


# What a family hub session's outcome areas say it helps with.
NEEDS_OF_OUTCOME_AREA: dict[str, tuple[str, ...]] = {
    OutcomeArea.EARLY_YEARS: ("babies_young_children",),
    OutcomeArea.HEALTH: ("health",),
    OutcomeArea.PARENTING: ("parenting",),
    OutcomeArea.EMPLOYMENT: ("work_learning", "money"),
    OutcomeArea.EDUCATION: ("school",),
    OutcomeArea.BREASTFEEDING: ("feeding",),
    OutcomeArea.HEALTHY_WEIGHT: ("health",),
    OutcomeArea.EMOTIONAL_HEALTH: ("mental_health",),
}

# What a council service of each kind helps with.
NEEDS_OF_SERVICE_KIND: dict[str, tuple[str, ...]] = {
    ServiceKind.FAMILY_HUB: ("babies_young_children", "parenting", "money"),
    ServiceKind.HEALTH_VISITING: ("babies_young_children", "feeding", "health"),
    ServiceKind.SCHOOL_NURSING: ("health", "mental_health", "school"),
    ServiceKind.EARLY_HELP: ("parenting", "mental_health", "money"),
    ServiceKind.FRONT_DOOR: ("parenting",),
    ServiceKind.SOCIAL_CARE: ("parenting",),
    ServiceKind.COMMISSIONED: (),
    ServiceKind.OTHER: (),
}


def ensure_needs_taxonomy(taxonomy_model=None, term_model=None) -> None:
    """Create or refresh the needs taxonomy (the data migration passes its historical models)."""
    taxonomy_model = taxonomy_model or Taxonomy
    term_model = term_model or TaxonomyTerm
    taxonomy, _ = taxonomy_model.objects.update_or_create(
        oruk_id=TAXONOMY_ID,
        defaults={
            "name": TAXONOMY_NAME,
            "description": TAXONOMY_DESCRIPTION,
            "version": TAXONOMY_VERSION,
        },
    )
    for code, name, description in NEEDS:
        term_model.objects.update_or_create(
            oruk_id=term_id(code),
            defaults={
                "taxonomy": taxonomy,
                "code": code,
                "name": name,
                "description": description,
            },
        )


def needs_terms() -> list[TaxonomyTerm]:
    """The needs, in the order a parent reads them."""
    order = {term_id(code): index for index, code in enumerate(NEED_CODES)}
    terms = list(TaxonomyTerm.objects.filter(oruk_id__in=order).select_related("taxonomy"))
    return sorted(terms, key=lambda term: order[term.oruk_id])
