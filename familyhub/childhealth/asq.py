"""ASQ-3 result bands from domain scores (scores only: the licensed questions are never stored).

The cut-offs below are EXAMPLE VALUES, recalled from published ASQ-3 score summaries and NOT
verified against the licensed ASQ-3 User's Guide; the monitoring zone (1 standard deviation above
the cut-off in the guide) is approximated here as the cut-off plus 10 points. A deployment must
set the verified figures in settings.FAMILYHUB_ASQ3_CUTOFFS, with the same shape:
{months: {domain: (cut_off, monitoring_upper)}}.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AsqDomain(models.TextChoices):
    COMMUNICATION = "communication", "Communication"
    GROSS_MOTOR = "gross_motor", "Gross motor"
    FINE_MOTOR = "fine_motor", "Fine motor"
    PROBLEM_SOLVING = "problem_solving", "Problem solving"
    PERSONAL_SOCIAL = "personal_social", "Personal-social"


class AsqBand(models.TextChoices):
    BELOW = "below", "Below the cut-off: further assessment"
    MONITOR = "monitor", "Close to the cut-off: monitor"
    ON_SCHEDULE = "on_schedule", "Above the cut-off: on schedule"


QUESTIONNAIRES = (24, 27, 30)

# EXAMPLE VALUES (see the module docstring): (cut-off, top of the monitoring zone).
EXAMPLE_CUTOFFS: dict[int, dict[str, tuple[float, float]]] = {
    24: {
        AsqDomain.COMMUNICATION: (25.17, 35.17),
        AsqDomain.GROSS_MOTOR: (38.07, 48.07),
        AsqDomain.FINE_MOTOR: (35.16, 45.16),
        AsqDomain.PROBLEM_SOLVING: (29.78, 39.78),
        AsqDomain.PERSONAL_SOCIAL: (31.54, 41.54),
    },
    27: {
        AsqDomain.COMMUNICATION: (24.02, 34.02),
        AsqDomain.GROSS_MOTOR: (28.01, 38.01),
        AsqDomain.FINE_MOTOR: (18.42, 28.42),
        AsqDomain.PROBLEM_SOLVING: (27.62, 37.62),
        AsqDomain.PERSONAL_SOCIAL: (25.31, 35.31),
    },
    30: {
        AsqDomain.COMMUNICATION: (33.30, 43.30),
        AsqDomain.GROSS_MOTOR: (36.14, 46.14),
        AsqDomain.FINE_MOTOR: (19.25, 29.25),
        AsqDomain.PROBLEM_SOLVING: (27.08, 37.08),
        AsqDomain.PERSONAL_SOCIAL: (32.01, 42.01),
    },
}


def cutoffs() -> dict[int, dict[str, tuple[float, float]]]:
    return getattr(settings, "FAMILYHUB_ASQ3_CUTOFFS", None) or EXAMPLE_CUTOFFS


def questionnaire_for_age(age_months: int) -> int:
    """The 24, 27 or 30 month questionnaire nearest the child's age at the review."""
    return min(QUESTIONNAIRES, key=lambda q: (abs(q - age_months), q))


def band(*, questionnaire: int, domain: str, score: int) -> str:
    cut_off, monitor_top = cutoffs()[questionnaire][domain]
    if score <= cut_off:
        return AsqBand.BELOW
    if score <= monitor_top:
        return AsqBand.MONITOR
    return AsqBand.ON_SCHEDULE
