"""People's decisions move the model exactly where they were made."""

from __future__ import annotations

import pandas as pd

from familyhub.matching.batch import learn_from_labels, pattern_scores
from familyhub.matching.parameters import DEFAULTS

TWINS = {"g": 3, "f": 0, "d": 0, "p": 0, "n": -1, "s": 0}
TYPO = {"g": 2, "f": 0, "d": 0, "p": 0, "n": -1, "s": 0}


def probability(parameters: dict, levels: dict) -> float:
    return float(pattern_scores(pd.DataFrame([levels]), parameters)["probability"].iloc[0])


def test_rejections_lower_their_pattern_and_leave_others_alone():
    before_twins = probability(DEFAULTS, TWINS)
    before_typo = probability(DEFAULTS, TYPO)
    labelled = pd.DataFrame([{**TWINS, "match": 0}] * 20)
    learned = learn_from_labels(DEFAULTS, labelled)
    assert probability(learned, TWINS) < min(before_twins, 0.2)
    assert abs(probability(learned, TYPO) - before_typo) < 0.05
    assert learned["labelled_pairs"] == 20


def test_confirmations_raise_their_pattern():
    labelled = pd.DataFrame([{**TYPO, "match": 1}] * 20)
    learned = learn_from_labels(DEFAULTS, labelled)
    assert probability(learned, TYPO) > probability(DEFAULTS, TYPO)
    assert learn_from_labels(DEFAULTS, labelled.iloc[:0]) is DEFAULTS
