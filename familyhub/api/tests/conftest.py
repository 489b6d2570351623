"""The API tests use the people part's owner / colleague / outsider fixtures."""

from familyhub.people.tests.conftest import (  # noqa: F401
    colleague,
    hub,
    other_team,
    outsider,
    owner,
    registered_person,
)
