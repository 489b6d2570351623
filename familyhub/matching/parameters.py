"""The Fellegi-Sunter parameters: m and u per comparison level, and the prior.

m = P(level | same person), u = P(level | different people), both among candidate pairs (the
pairs the blocking rules bring together, which is where search and batch both score). A level's
weight is log2(m / u) bits; a pair's score is the prior's log-odds plus the sum of its levels'
weights; missing values add nothing.

The same parameters (the newest active MatchModel row, else DEFAULTS) serve real-time search and
the batch, so the two agree on every pair.
"""

from __future__ import annotations

import itertools
import math
import time
from typing import Any

from familyhub.matching.compare import JOINT, MODEL_COMPARISONS, model_size
from familyhub.matching.models import MatchModel

# Per-field m and u for a fresh install, set by hand from the synthetic register and FEBRL, until
# the register is big enough to train on (`familyhub dedupe --train`). The model's joint
# comparison starts as the product of its fields (independence) and learns the rest.
FIELD_DEFAULTS: dict[str, dict[str, list[float]]] = {
    "given": {"m": [0.80, 0.06, 0.11, 0.03], "u": [0.10, 0.02, 0.04, 0.84]},
    "family": {"m": [0.86, 0.07, 0.03, 0.04], "u": [0.55, 0.05, 0.005, 0.395]},
    "dob": {"m": [0.86, 0.03, 0.09, 0.02], "u": [0.15, 0.002, 0.08, 0.768]},
    "postcode": {"m": [0.75, 0.04, 0.03, 0.18], "u": [0.5, 0.05, 0.05, 0.4]},
    "nhs": {"m": [0.995, 0.005], "u": [0.0001, 0.9999]},
    "sex": {"m": [0.99, 0.01], "u": [0.5, 0.5]},
}
MISSING_SHARE = 0.05
FLOOR = 1e-9


def joint_from_fields(fields: dict[str, dict[str, list[float]]]) -> dict[str, dict]:
    """The model's comparisons from per-field m and u, assuming independence within a joint
    comparison; a missing field adds no weight."""
    out: dict[str, dict] = {}
    for name in MODEL_COMPARISONS:
        if name not in JOINT:
            out[name] = {"m": list(fields[name]["m"]), "u": list(fields[name]["u"])}
            continue
        probs = {}
        for kind in ("m", "u"):
            parts = [
                [MISSING_SHARE] + [(1 - MISSING_SHARE) * x for x in fields[part][kind]]
                for part in JOINT[name]
            ]
            probs[kind] = [float(f"{math.prod(cell):.6g}") for cell in itertools.product(*parts)]
        out[name] = probs
    return out


DEFAULTS: dict[str, Any] = {
    "version": 3,
    "prior": 0.1,
    "threshold": 0.8,
    "comparisons": joint_from_fields(FIELD_DEFAULTS),
}


def weights_of(parameters: dict) -> dict[str, list[float]]:
    """log2(m/u) per level of each comparison."""
    out: dict[str, list[float]] = {}
    for name in MODEL_COMPARISONS:
        spec = parameters["comparisons"][name]
        out[name] = [
            math.log2(max(m, FLOOR) / max(u, FLOOR))
            for m, u in zip(spec["m"], spec["u"], strict=True)
        ]
        if len(out[name]) != model_size(name):
            raise ValueError(f"Match model comparison {name} has {len(out[name])} levels")
    return out


def prior_weight(parameters: dict) -> float:
    p = min(max(parameters["prior"], 1e-6), 1 - 1e-6)
    return math.log2(p / (1 - p))


def probability(score: float) -> float:
    if score > 60:
        return 1.0
    if score < -60:
        return 0.0
    odds = 2.0**score
    return odds / (1 + odds)


_CACHE: dict[str, Any] = {"at": 0.0, "parameters": None, "weights": None}
CACHE_SECONDS = 60.0


def active_parameters(*, fresh: bool = False) -> dict:
    """The newest active model's parameters (cached for a minute per process), else DEFAULTS."""
    now = time.monotonic()
    if not fresh and _CACHE["parameters"] is not None and now - _CACHE["at"] < CACHE_SECONDS:
        return _CACHE["parameters"]

    row = MatchModel.objects.filter(active=True).order_by("-created_at", "-id").first()
    parameters = row.parameters if row is not None else DEFAULTS
    if parameters.get("version") != DEFAULTS["version"]:
        parameters = DEFAULTS  # a model from an older shape of comparisons
    _CACHE.update(at=now, parameters=parameters, weights=None)
    return parameters


def active_weights() -> tuple[dict, dict[str, list[float]], float]:
    """Parameters, their level weights and prior weight, computed once per cache period."""
    parameters = active_parameters()
    if _CACHE["weights"] is None or _CACHE["weights"][0] is not parameters:
        _CACHE["weights"] = (parameters, weights_of(parameters), prior_weight(parameters))
    return _CACHE["weights"]


def forget_cached() -> None:
    _CACHE.update(at=0.0, parameters=None, weights=None)


def save_model(parameters: dict, *, method: str, trained_on: int, labelled_pairs: int = 0):
    """Store a trained model as the active one (earlier rows stay, for the record)."""
    from django.db import transaction

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
