"""Indicators the outcomes part still holds for another part (registry.load() imports this as
the outcomes app's own `indicators` module, as it does every part's).

The child health ones stay here for now: familyhub/childhealth/indicators.py already holds that
part's child-by-child indicators for its own page, so these aggregate forms cannot take its name.
"""

from familyhub.outcomes.indicators import childhealth  # noqa: F401
