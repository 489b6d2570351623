"""`familyhub plan sites --areas FILE --sites FILE --keep K [...] --json`: a site network from CSV.

Also `familyhub plan needs --areas FILE --sites FILE` (the need scores alone), and
`familyhub plan load-budget FILE` / `familyhub plan load-contracts FILE --start YYYY-MM-DD`. Bad input stops
with one line naming the file, row and column and a non-zero exit; never a traceback.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyhub.core.csvfiles import Problems
from familyhub.planning.csvinput import CsvInputError, read_site_problem, read_travel_times
from familyhub.planning.optimiser import (
    DEFAULT_MAX_WALK_MINUTES,
    PlanningError,
    SiteProblem,
    solve_sites,
)
from familyhub.planning.selectors import current_authority
from familyhub.planning.services import budget_plan_load, contracts_load


def _weight(text: str) -> tuple[str, float]:
    key, _, value = text.partition("=")
    try:
        return key.strip(), float(value)
    except ValueError:
        raise CommandError(
            f"--weight {text!r}: write it as measure=number, for example idaci=2"
        ) from None


class Command(BaseCommand):
    help = "Planning calculations from CSV files (site network, need scores)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        budget = sub.add_parser(
            "load-budget", help="load a budget plan (thurrock_budget_plan.csv shape)"
        )
        budget.add_argument("file", type=Path)
        contracts = sub.add_parser(
            "load-contracts", help="load contracts (thurrock_services_2016.csv shape)"
        )
        contracts.add_argument("file", type=Path)
        contracts.add_argument(
            "--start", required=True, type=datetime.date.fromisoformat, help="YYYY-MM-DD"
        )
        contracts.add_argument("--end", type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        for name in ("sites", "needs"):
            p = sub.add_parser(name)
            p.add_argument(
                "--areas", required=True, type=Path, help="wards: ward,centre,locality,..."
            )
            p.add_argument("--sites", required=True, type=Path, help="centres: centre,locality,...")
            p.add_argument(
                "--weight", action="append", default=[], help="need weight, e.g. idaci=2"
            )
            p.add_argument("--json", action="store_true", help="print JSON")
            if name == "sites":
                p.add_argument("--keep", type=int, help="how many sites to keep as hubs")
                p.add_argument(
                    "--budget", type=float, help="running-cost budget (sites file 'annual_cost')"
                )
                p.add_argument("--min-per-locality", type=int, default=1)
                p.add_argument("--cover-every-area", action="store_true")
                p.add_argument("--max-walk-minutes", type=float, default=DEFAULT_MAX_WALK_MINUTES)
                p.add_argument("--travel-times", type=Path, help="CSV: area,site,minutes")
                p.add_argument("--must-keep", nargs="+", default=[], metavar="NAME")
                p.add_argument("--must-close", nargs="+", default=[], metavar="NAME")
                p.add_argument(
                    "--fallback",
                    choices=["serving", "locality"],
                    default="serving",
                    help="without coordinates: covered by the serving site, or any site in the locality",
                )

    def handle(self, *args, **options) -> None:
        if options["action"] in ("load-budget", "load-contracts"):
            self._load(options)
            return
        weights = dict(_weight(w) for w in options["weight"])
        problems = Problems()
        try:
            areas, sites, needs, notes = read_site_problem(
                options["areas"], options["sites"], weights=weights, problems=problems
            )
            if options["action"] == "needs":
                needs["problems"] = problems.as_json()
                self._print(needs, options["json"], lambda: self._needs_text(needs, problems))
                return
            if options["keep"] is None and options["budget"] is None:
                raise CommandError("Give --keep K (sites to keep) or --budget AMOUNT.")
            if options["budget"] is not None and not any(s.cost for s in sites):
                raise CommandError(
                    f"--budget needs each site's running cost: add an 'annual_cost' column to "
                    f"{options['sites'].name}."
                )
            problem = SiteProblem(
                areas=areas,
                sites=sites,
                keep=options["keep"],
                budget=options["budget"],
                min_per_locality=options["min_per_locality"],
                cover_every_area=options["cover_every_area"],
                max_walk_minutes=options["max_walk_minutes"],
                must_keep=options["must_keep"],
                must_close=options["must_close"],
                travel_minutes=read_travel_times(options["travel_times"], problems=problems)
                if options["travel_times"]
                else None,
                fallback=options["fallback"],
            )
            result = solve_sites(problem)
        except (CsvInputError, PlanningError) as error:
            raise CommandError(str(error)) from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        result["notes"] = notes + needs["notes"]
        result["need_weights"] = needs["weights"]
        result["problems"] = problems.as_json()
        self._print(result, options["json"], lambda: self._sites_text(result, problems))

    def _load(self, options: dict) -> None:
        authority = current_authority()
        if authority is None:
            raise CommandError("No council is loaded yet: run familyhub load-reference first.")
        if not options["file"].exists():
            raise CommandError(f"{options['file']}: the file does not exist")
        problems = Problems()
        try:
            if options["action"] == "load-budget":
                count = budget_plan_load(
                    authority=authority, path=options["file"], problems=problems
                )
                self.stdout.write(f"Loaded {count} budget lines.")
            else:
                count = contracts_load(
                    authority=authority,
                    path=options["file"],
                    start=options["start"],
                    end=options["end"],
                    problems=problems,
                )
                self.stdout.write(f"Loaded {count} contracts.")
            for line in problems.lines():
                self.stdout.write(line)
        except CsvInputError as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None

    def _print(self, data: dict, as_json: bool, text) -> None:
        if as_json:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
        else:
            text()

    def _needs_text(self, needs: dict, problems: Problems) -> None:
        for a in sorted(needs["areas"], key=lambda a: a["rank"]):
            self.stdout.write(f"{a['rank']:>3}  {a['score']:6.1f}  {a['name']} ({a['locality']})")
        for line in problems.lines():
            self.stdout.write(line)

    def _sites_text(self, r: dict, problems: Problems) -> None:
        self.stdout.write(r["coverage_rule"])
        self.stdout.write(
            f"Keep {r['sites_kept']} hubs: {', '.join(r['kept'])}. Outreach: {', '.join(r['outreach']) or 'none'}."
        )
        self.stdout.write(
            f"Need-weighted population covered: {r['need_weighted_covered']:,.1f} of "
            f"{r['need_weighted_total']:,.1f} ({r['need_weighted_covered_pct']}%); areas covered "
            f"{r['areas_covered']} of {r['areas_total']}; cost £{r['cost']:,.0f}."
        )
        for s in r["sites"]:
            self.stdout.write(f"- {s['site']} ({s['locality']}): {s['decision']}. {s['why']}")
        for note in r.get("notes", []):
            self.stdout.write(f"Note: {note}")
        for line in problems.lines():
            self.stdout.write(line)
