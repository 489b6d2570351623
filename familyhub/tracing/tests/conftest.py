"""The PDS stand-in, started by the tests on a free port in a thread, and the client pointed at
it (one-second time-outs, so a hanging stand-in fails a call quickly)."""

from __future__ import annotations

import pytest

from familyhub.testing import factories
from familyhub.tracing import pds as pds_client
from familyhub.tracing.standin import StandIn


@pytest.fixture
def standin():
    with StandIn() as server:
        yield server


@pytest.fixture
def pds(standin, settings):
    settings.FAMILYHUB_PDS_BASE_URL = standin.base_url
    settings.FAMILYHUB_PDS_TOKEN_URL = ""
    settings.FAMILYHUB_PDS_API_KEY = ""
    settings.FAMILYHUB_PDS_TIMEOUT_SECONDS = 1
    settings.FAMILYHUB_PDS_RETRY_SECONDS = 60
    settings.FAMILYHUB_PDS_MAX_ATTEMPTS = 3
    pds_client.forget_tokens()
    yield standin
    pds_client.forget_tokens()


@pytest.fixture
def world(authority, make_user):
    """A health visiting team with its team leader and a practitioner."""
    service = factories.ServiceFactory(
        authority=authority, name="Health visiting", kind="health_visiting"
    )
    team = factories.TeamFactory(service=service, name="Grays health visitors")
    leader = make_user("team_leader", team=team, username="leader")
    visitor = make_user("health_visitor", team=team, username="visitor")
    return {
        "authority": authority,
        "service": service,
        "team": team,
        "leader": leader,
        "visitor": visitor,
    }


@pytest.fixture
def child(world):
    """Make a child registered with the team; details as the stand-in will hold them."""

    def make(**fields):
        defaults = {
            "authority": world["authority"],
            "given_name": "Jane",
            "family_name": "Smith",
            "date_of_birth": "2021-03-04",
            "sex": "F",
            "postcode": "RM17 5DQ",
            "nhs_number": "",
            "nhs_number_status": "",
        }
        defaults.update(fields)
        person = factories.PersonFactory(**defaults)
        factories.RegistrationFactory(person=person, team=world["team"])
        person.refresh_from_db()
        return person

    return make
