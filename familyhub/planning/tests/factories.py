"""Factories for planning tests."""

from __future__ import annotations

import factory

from familyhub.planning.models import Scenario, ScenarioKind
from familyhub.testing.factories import AuthorityFactory


class ScenarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scenario

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Scenario {n}")
    kind = ScenarioKind.SITES
    inputs = factory.LazyFunction(lambda: {"keep": 1})
    results = factory.LazyFunction(
        lambda: {
            "sites_kept": 1,
            "kept": ["Hub A"],
            "outreach": ["Hub B"],
            "cost": 0,
            "need_weighted_covered_pct": 60.0,
            "population_covered_pct": 55.0,
            "areas_covered": 1,
            "areas_total": 2,
            "sites": [
                {
                    "site": "Hub A",
                    "locality": "North",
                    "decision": "keep as hub",
                    "areas_covered": ["A"],
                    "why": "x",
                },
                {
                    "site": "Hub B",
                    "locality": "North",
                    "decision": "serve by outreach",
                    "areas_covered": ["B"],
                    "why": "=cmd",
                },
            ],
            "areas": [],
        }
    )
