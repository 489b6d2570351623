"""The Fellegi-Sunter parameters: m and u per comparison level, and the prior.

m = P(level | same person), u = P(level | different people), both among candidate pairs (the
pairs the blocking rules bring together, which is where search and batch both score). A level's
weight is log2(m / u) bits; a pair's score is the prior's log-odds plus the sum of its levels'
weights; missing values add nothing.

The same parameters (the newest active MatchModel row, else DEFAULTS) serve real-time search and
the batch, so the two agree on every pair.
"""

from __future__ import annotations

import math
import time
from typing import Any

from familyhub.matching.compare import LEVELS

# Sensible weights for a fresh install, set by hand from what the synthetic register and FEBRL
# show, until the register is big enough to train on (`familyhub dedupe --train`).
DEFAULTS: dict[str, Any] = {
    "version": 1,
    "prior": 0.1,
    "threshold": 0.5,
    "comparisons": {
        "given": {"m": [0.86, 0.05, 0.07, 0.02], "u": [0.12, 0.02, 0.05, 0.81]},
        "family": {"m": [0.88, 0.06, 0.03, 0.03], "u": [0.55, 0.05, 0.005, 0.395]},
        "dob": {"m": [0.88, 0.03, 0.07, 0.02], "u": [0.25, 0.002, 0.08, 0.668]},
        "postcode": {"m": [0.8, 0.04, 0.03, 0.13], "u": [0.5, 0.05, 0.05, 0.4]},
        "nhs": {"m": [0.995, 0.005], "u": [0.0001, 0.9999]},
        "sex": {"m": [0.98, 0.02], "u": [0.55, 0.45]},
    },
}

FLOOR = 1e-6


def weights_of(parameters: dict) -> dict[str, list[float]]:
    """log2(m/u) per level of each comparison."""
    out: dict[str, list[float]] = {}
    for name, levels in LEVELS.items():
        spec = parameters["comparisons"][name]
        out[name] = [
            math.log2(max(m, FLOOR) / max(u, FLOOR))
            for m, u in zip(spec["m"], spec["u"], strict=True)
        ][: len(levels)]
    return out


def prior_weight(parameters: dict) -> float:
    p = min(max(parameters["prior"], FLOOR), 1 - FLOOR)
    return math.log2(p / (1 - p))


def probability(score: float) -> float:
    if score > 60:
        return 1.0
    if score < -60:
        return 0.0
    odds = 2.0**score
    return odds / (1 + odds)


_CACHE: dict[str, Any] = {"at": 0.0, "parameters": None}
CACHE_SECONDS = 60.0


def active_parameters(*, fresh: bool = False) -> dict:
    """The newest active model's parameters (cached for a minute per process), else DEFAULTS."""
    now = time.monotonic()
    if not fresh and _CACHE["parameters"] is not None and now - _CACHE["at"] < CACHE_SECONDS:
        return _CACHE["parameters"]
    from familyhub.matching.models import MatchModel

    row = MatchModel.objects.filter(active=True).order_by("-created_at", "-id").first()
    parameters = row.parameters if row is not None else DEFAULTS
    _CACHE.update(at=now, parameters=parameters)
    return parameters


def forget_cached() -> None:
    _CACHE.update(at=0.0, parameters=None)


def save_model(parameters: dict, *, method: str, trained_on: int, labelled_pairs: int = 0):
    """Store a trained model as the active one (earlier rows stay, for the record)."""
    from django.db import transaction

    from familyhub.matching.models import MatchModel

    with transaction.atomic():
        MatchModel.objects.filter(active=True).update(active=False)
        row = MatchModel.objects.create(
            parameters=parameters,
            method=method[:200],
            trained_on=trained_on,
            labelled_pairs=labelled_pairs,
        )
    forget_cached()
    return row
