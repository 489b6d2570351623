"""The need score: a weighted sum of need measures per area, each scaled 0-1, shown as 0-100.

A planner sets the weights and sees each area's score broken down by measure. Ranks (1 = most
deprived) become (n - rank + 1) / n; rates and counts become value / the largest value among the
areas; so every measure reads "1 = the neediest area here". A measure with no figures for any area
drops out of the weighting (and the explanation says so); an area without a figure for a measure
scores 0 on it (also said).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    kind: str  # rank | rate | count
    source: str  # the area figures or the record


MEASURES: list[Measure] = [
    Measure("imd", "Deprivation (IMD rank)", "rank", "area"),
    Measure("idaci", "Children in income-deprived families (IDACI rank)", "rank", "area"),
    Measure("child_poverty", "Children in poverty (rate)", "rate", "area"),
    Measure("under_fives", "Children under five", "count", "area"),
    Measure("unemployment", "Unemployment (rate)", "rate", "area"),
    Measure("low_birth_weight", "Low birth weight (rate)", "rate", "area"),
    Measure("excess_weight_reception", "Excess weight at Reception (rate)", "rate", "area"),
    Measure("children_in_need", "Children in need (per 10,000 children)", "rate", "area"),
    Measure("child_protection", "Child protection plans (per 10,000 children)", "rate", "area"),
    Measure("registered_families", "Registered families", "count", "record"),
    Measure("open_episodes", "Open early help episodes", "count", "record"),
    Measure("referrals", "Referrals in the last year", "count", "record"),
    Measure("reviews_due", "Children due or overdue a health review", "count", "record"),
    Measure("obesity_reception", "Obese at Reception (record)", "rate", "record"),
]
MEASURE_BY_KEY = {m.key: m for m in MEASURES}

# Weighted towards child deprivation and the under-5 population, which the councils named as the
# reasons to keep a centre (needs-led planning). Registered families is reach, not need,
# so it is shown but weighted 0 unless a planner chooses otherwise.
DEFAULT_WEIGHTS: dict[str, float] = {
    "imd": 1,
    "idaci": 2,
    "child_poverty": 2,
    "under_fives": 2,
    "unemployment": 0,
    "low_birth_weight": 0,
    "excess_weight_reception": 1,
    # Where children's social care is already working: the councils kept centres near them.
    "children_in_need": 1,
    "child_protection": 1,
    "registered_families": 0,
    "open_episodes": 1,
    "referrals": 1,
    "reviews_due": 0,
    "obesity_reception": 0,
}


def clean_weights(weights: dict[str, float] | None) -> dict[str, float]:
    result = dict(DEFAULT_WEIGHTS)
    for key, value in (weights or {}).items():
        if key not in MEASURE_BY_KEY:
            raise ValueError(f"There is no need measure called {key!r}.")
        if value < 0:
            raise ValueError(f"The weight of {MEASURE_BY_KEY[key].label} cannot be negative.")
        result[key] = float(value)
    return result


def _scaled(values: list[float | None], kind: str) -> list[float | None]:
    present = [v for v in values if v is not None]
    if not present:
        return [None] * len(values)
    if kind == "rank":
        n = max(len(values), int(max(present)))
        return [None if v is None else max(0.0, min(1.0, (n - v + 1) / n)) for v in values]
    top = max(present)
    if top <= 0:
        return [None if v is None else 0.0 for v in values]
    return [None if v is None else v / top for v in values]


def score_areas(rows: list[dict], weights: dict[str, float] | None = None) -> dict:
    """Score areas. Each row: name, locality, and raw figures keyed by measure (None = unknown).

    Returns the weights used, notes, and per area: score (0-100), the components (raw figure,
    scaled 0-1, points contributed) in the measures' order.
    """
    used = clean_weights(weights)
    scaled = {m.key: _scaled([r.get(m.key) for r in rows], m.kind) for m in MEASURES}
    # A measure on which every area scores 0 (no referrals recorded yet, say) tells areas apart
    # no better than a missing one, and counting its weight would only squash every score.
    flat = {
        m.key
        for m in MEASURES
        if any(v is not None for v in scaled[m.key]) and all(not v for v in scaled[m.key])
    }
    active = [
        m
        for m in MEASURES
        if used[m.key] > 0 and any(v is not None for v in scaled[m.key]) and m.key not in flat
    ]
    notes = []
    for m in MEASURES:
        if used[m.key] > 0 and m.key in flat:
            notes.append(f"{m.label}: every area has 0, so its weight is not counted.")
        elif used[m.key] > 0 and m not in active:
            notes.append(f"{m.label}: no figures yet, so its weight is not counted.")
        elif m in active and any(v is None for v in scaled[m.key]):
            missing = sum(1 for v in scaled[m.key] if v is None)
            notes.append(f"{m.label}: no figure for {missing} area(s); they score 0 on it.")
    total_weight = sum(used[m.key] for m in active)
    areas = []
    for i, row in enumerate(rows):
        components = []
        score = 0.0
        for m in MEASURES:
            s = scaled[m.key][i]
            points = 0.0
            if m in active and s is not None:
                points = 100 * used[m.key] * s / total_weight
            score += points
            components.append(
                {
                    "key": m.key,
                    "label": m.label,
                    "raw": row.get(m.key),
                    "scaled": None if s is None else round(s, 4),
                    "weight": used[m.key],
                    "points": round(points, 2),
                }
            )
        areas.append(
            {
                "name": row["name"],
                "locality": row.get("locality", ""),
                "score": round(score, 2),
                "components": components,
                **{k: row[k] for k in ("id", "latitude", "longitude") if k in row},
            }
        )
    ranked = sorted(areas, key=lambda a: (-a["score"], a["name"]))
    for position, area in enumerate(ranked, start=1):
        area["rank"] = position
    return {
        "weights": used,
        "active_measures": [m.key for m in active],
        "measures": [{"key": m.key, "label": m.label, "source": m.source} for m in MEASURES],
        "notes": notes,
        "explanation": (
            "Each measure is scaled so the neediest area scores 1 (ranks: (n - rank + 1) / n; "
            "rates and counts: value / the largest value). The need score is 100 x the weighted "
            "average of the scaled measures; 'points' is each measure's part of it."
        ),
        "areas": areas,
    }
