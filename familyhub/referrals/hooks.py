"""What the front door tells the parts above it (core.hooks: they register in ready()).

    referral_allocated.register(open_an_episode)   # open_an_episode(*, referral, team, by, now)

Called inside the decision's transaction: if the reaction fails, the decision is not saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from familyhub.core.hooks import Hook

referral_allocated: Hook[Callable[..., Any]] = Hook(
    "referral_allocated", "after the front door allocates a referral to a team"
)
