from __future__ import annotations

import pytest

from familyhub.referrals.tests.factories import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def episode(world):
    from familyhub.casework.tests.test_services import open_episode

    return open_episode(world)
