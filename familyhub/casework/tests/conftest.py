from __future__ import annotations

import pytest

from familyhub.referrals.tests.factories import build_world


@pytest.fixture
def world(db):
    return build_world()
