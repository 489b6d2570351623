"""Scenario exports: the same tables the page shows, as CSV or as an Excel workbook (written by
familyhub.core.exports, which keeps a cell that looks like a formula as text)."""

from __future__ import annotations

from collections.abc import Iterator

from familyhub.core.exports import Row, csv_text, xlsx_bytes
from familyhub.planning.models import Scenario

Table = tuple[str, list[str], list[list]]


def _join(value) -> object:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    return "" if value is None else value


def scenario_tables(scenario: Scenario) -> list[Table]:
    """The scenario's results as titled tables (the first is a summary)."""
    r = scenario.results
    summary: list[list] = [["Scenario", scenario.name], ["Kind", scenario.get_kind_display()]]
    summary += [[f"Input: {k}", _join(v)] for k, v in sorted(scenario.inputs.items())]
    tables: list[Table] = []

    def add(title: str, rows: list[dict], columns: list[str]) -> None:
        tables.append((title, columns, [[_join(row.get(c)) for c in columns] for row in rows]))

    if scenario.kind == "sites":
        summary += [
            ["Sites kept", r.get("sites_kept")],
            ["Cost", r.get("cost")],
            ["Need-weighted population covered %", r.get("need_weighted_covered_pct")],
            ["Population covered %", r.get("population_covered_pct")],
            ["Coverage rule", r.get("coverage_rule")],
        ]
        add(
            "Sites",
            r.get("sites", []),
            [
                "site",
                "locality",
                "decision",
                "areas_covered",
                "need_weighted_covered",
                "lost_without_it",
                "need_weighted_lost_without_it",
                "why",
            ],
        )
        add(
            "Areas",
            r.get("areas", []),
            ["area", "locality", "need", "population", "weight", "covered", "covered_by"],
        )
    elif scenario.kind == "needs":
        rows = []
        for a in r.get("areas", []):
            row = {
                "rank": a["rank"],
                "area": a["name"],
                "locality": a["locality"],
                "score": a["score"],
            }
            row.update({f"points: {c['key']}": c["points"] for c in a["components"]})
            rows.append(row)
        columns = ["rank", "area", "locality", "score"] + [
            f"points: {k}" for k in r.get("active_measures", [])
        ]
        add("Need scores", sorted(rows, key=lambda x: x["rank"]), columns)
    elif scenario.kind == "sessions":
        summary.append(["Total sessions a week", r.get("total")])
        add(
            "Sessions", r.get("sites", []), ["site", "locality", "level", "sessions", "set_by_hand"]
        )
        add(
            "By locality",
            [{"locality": k, "sessions": v} for k, v in r.get("by_locality", {}).items()],
            ["locality", "sessions"],
        )
    elif scenario.kind == "caseload":
        summary += [
            ["Balanced caseload per FTE", r.get("balanced_caseload_per_fte")],
            ["Largest deviation %", r.get("largest_deviation_pct")],
            ["Within tolerance", r.get("within_tolerance")],
        ]
        add(
            "Teams",
            r.get("teams", []),
            [
                "team",
                "weighted_cases",
                "current_fte",
                "current_caseload_per_fte",
                "proposed_fte",
                "proposed_caseload_per_fte",
                "change_fte",
                "within_tolerance",
            ],
        )
        add(
            "Areas",
            r.get("areas", []),
            ["area", "team", "weighted_cases", "fte", "caseload_per_fte"],
        )
    elif scenario.kind == "funding":
        summary += [["Budget", r.get("budget")], ["Total allocated", r.get("total")]]
        add(
            "Allocation",
            r.get("units", []),
            [
                "unit",
                "children",
                "universal",
                "deprivation",
                "amount",
                "per_child",
                "current",
                "change",
                "change_pct",
            ],
        )
    tables.insert(0, ("Summary", ["", ""], summary))
    return tables


def scenario_csv_rows(scenario: Scenario) -> Iterator[Row]:
    """The CSV file's rows: each table's title, its column names, its rows, then a blank row."""
    for title, columns, rows in scenario_tables(scenario):
        yield [title]
        if any(columns):
            yield columns
        yield from rows
        yield []


def scenario_csv(scenario: Scenario) -> str:
    return csv_text(scenario_csv_rows(scenario))


def scenario_sheets(scenario: Scenario) -> list[tuple[str, list[Row]]]:
    """One sheet per table, named by its title."""
    return [
        (title, [columns, *rows] if any(columns) else list(rows))
        for title, columns, rows in scenario_tables(scenario)
    ]


def scenario_xlsx(scenario: Scenario) -> bytes:
    return xlsx_bytes(scenario_sheets(scenario))


def headline(scenario: Scenario) -> dict[str, object]:
    """The key figures of a scenario, for the side-by-side comparison."""
    r = scenario.results
    figures: dict[str, object] = {"Kind": scenario.get_kind_display()}
    if scenario.kind == "sites":
        figures.update(
            {
                "Hubs kept": r.get("sites_kept"),
                "Cost a year (£)": r.get("cost"),
                "Need-weighted population covered (%)": r.get("need_weighted_covered_pct"),
                "Population covered (%)": r.get("population_covered_pct"),
                "Areas covered": f"{r.get('areas_covered')} of {r.get('areas_total')}",
            }
        )
    elif scenario.kind == "sessions":
        figures["Sessions a week"] = r.get("total")
    elif scenario.kind == "caseload":
        figures.update(
            {
                "Balanced caseload per FTE": r.get("balanced_caseload_per_fte"),
                "Largest deviation (%)": r.get("largest_deviation_pct"),
                "Within tolerance": "yes" if r.get("within_tolerance") else "no",
            }
        )
    elif scenario.kind == "funding":
        figures.update({"Budget (£)": r.get("budget"), "Allocated (£)": r.get("total")})
    elif scenario.kind == "needs":
        top = sorted(r.get("areas", []), key=lambda a: a["rank"])[:3]
        figures["Highest need"] = ", ".join(a["name"] for a in top)
    return figures


def compare_rows(chosen: list[Scenario]) -> list[tuple[str, list[object]]]:
    """Rows of (label, one value per scenario): headline figures, then per site / unit / team."""
    heads = [headline(s) for s in chosen]
    labels: list[str] = []
    for h in heads:
        labels += [k for k in h if k not in labels]
    rows = [(label, [h.get(label, "") for h in heads]) for label in labels]
    kinds = {s.kind for s in chosen}
    if kinds == {"sites"}:
        names: list[str] = []
        for s in chosen:
            names += [x["site"] for x in s.results.get("sites", []) if x["site"] not in names]
        for name in names:
            values = []
            for s in chosen:
                match = next((x for x in s.results.get("sites", []) if x["site"] == name), None)
                values.append(match["decision"] if match else "")
            rows.append((name, values))
    elif kinds == {"funding"}:
        names = []
        for s in chosen:
            names += [u["unit"] for u in s.results.get("units", []) if u["unit"] not in names]
        for name in names:
            rows.append(
                (
                    f"{name} (£)",
                    [
                        next(
                            (u["amount"] for u in s.results.get("units", []) if u["unit"] == name),
                            "",
                        )
                        for s in chosen
                    ],
                )
            )
    elif kinds == {"sessions"}:
        locs: list[str] = []
        for s in chosen:
            locs += [k for k in s.results.get("by_locality", {}) if k not in locs]
        for loc in locs:
            rows.append(
                (
                    f"Sessions: {loc}",
                    [s.results.get("by_locality", {}).get(loc, "") for s in chosen],
                )
            )
    elif kinds == {"caseload"}:
        teams: list[str] = []
        for s in chosen:
            teams += [t["team"] for t in s.results.get("teams", []) if t["team"] not in teams]
        for team in teams:
            rows.append(
                (
                    f"{team}: FTE",
                    [
                        next(
                            (
                                t["proposed_fte"]
                                for t in s.results.get("teams", [])
                                if t["team"] == team
                            ),
                            "",
                        )
                        for s in chosen
                    ],
                )
            )
    return rows
