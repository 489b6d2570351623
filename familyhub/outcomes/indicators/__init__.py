"""Indicators of the other parts, computed here from their models (imported to register them).

They live in the outcomes part for now; each module names the part that could own it later.
"""

from familyhub.outcomes.indicators import casework, childhealth, hubs, referrals  # noqa: F401
