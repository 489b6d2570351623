"""The needs a referral, an assessment and a family plan speak of: the Supporting Families headline
outcome areas. One list, so that a need named at the front door is the same need that
is assessed, planned for and scored at closure."""

from __future__ import annotations

from django.db import models


class Need(models.TextChoices):
    EDUCATION = "education", "Getting a good education"
    EARLY_YEARS = "early_years", "Good early years development"
    HEALTH = "health", "Improved mental and physical health"
    SUBSTANCE_USE = "substance_use", "Better managed substance use"
    FAMILY_RELATIONSHIPS = "family_relationships", "Improved family relationships"
    CHILD_SAFETY = "child_safety", "Children safe from abuse and exploitation"
    CRIME = "crime", "Crime prevention and tackling crime"
    DOMESTIC_ABUSE = "domestic_abuse", "Safe from domestic abuse"
    HOUSING = "housing", "Secure housing"
    FINANCIAL = "financial", "Financial stability"


NEED_LABELS: dict[str, str] = dict(Need.choices)


def need_labels(values: list[str]) -> list[str]:
    return [NEED_LABELS.get(value, value) for value in values]
