"""A small borough for the planning pages: two localities, four areas, three sites, two teams."""

from __future__ import annotations

import pytest

from familyhub.places.models import SiteKind
from familyhub.testing import factories


@pytest.fixture
def borough(authority):
    north = factories.LocalityFactory(authority=authority, name="North")
    south = factories.LocalityFactory(authority=authority, name="South")
    figures = [
        ("N1", north, 1, 1, 0.30, 500, 51.50, 0.30),
        ("N2", north, 3, 3, 0.20, 300, 51.51, 0.32),
        ("S1", south, 2, 2, 0.25, 400, 51.46, 0.35),
        ("S2", south, 4, 4, 0.10, 200, 51.47, 0.38),
    ]
    areas = {}
    for name, locality, imd, idaci, poverty, under5, lat, lon in figures:
        areas[name] = factories.AreaFactory(
            authority=authority,
            name=name,
            code=f"E0500{name}",
            locality=locality,
            imd_rank=imd,
            idaci_rank=idaci,
            child_poverty_rate=poverty,
            population_0_4=under5,
            latitude=lat,
            longitude=lon,
        )
    hub_north = factories.SiteFactory(
        authority=authority, name="Hub North", locality=north, area=areas["N1"]
    )
    hub_north.reach_areas.set([areas["N1"], areas["N2"]])
    outreach = factories.SiteFactory(
        authority=authority,
        name="Library North",
        kind=SiteKind.LIBRARY,
        locality=north,
        area=areas["N2"],
    )
    outreach.reach_areas.set([areas["N2"]])
    hub_south = factories.SiteFactory(
        authority=authority, name="Hub South", locality=south, area=areas["S1"]
    )
    hub_south.reach_areas.set([areas["S1"], areas["S2"]])
    service = factories.ServiceFactory(authority=authority, name="Early help")
    north_team = factories.TeamFactory(name="North team", service=service, locality=north)
    south_team = factories.TeamFactory(name="South team", service=service, locality=south)
    for team in (north_team, north_team, south_team):
        factories.TeamMembershipFactory(team=team)
    return {"authority": authority, "areas": areas, "service": service}
