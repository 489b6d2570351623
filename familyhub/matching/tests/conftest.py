from __future__ import annotations

import pytest

from familyhub.matching.parameters import forget_cached


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    """The active model is cached per process; a test's model must not leak into the next."""
    forget_cached()
    yield
    forget_cached()
