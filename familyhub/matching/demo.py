"""Demo data for matching: train the model on the demo register and fill the review queue."""

from __future__ import annotations

import random


def load_demo(*, authority, rng: random.Random, stdout) -> None:
    from familyhub.matching.dedupe import run_register

    report = run_register(authority_id=authority.pk, train=True)
    stdout.write(
        f"Matching: trained on {report['records']:,} people; "
        f"{report.get('queued', 0):,} possible duplicates queued for review."
    )
