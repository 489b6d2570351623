"""A reason a person gives in words (for breaking the glass, declining a registration, a
decision not to share) must say something: not a row of one character, not one word repeated."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


def reason_problem(text: str, *, minimum: int = 20, words: int = 4, asked: str = "a reason") -> str:
    """What is wrong with a reason, in words for the person who typed it, or "" if nothing is.
    `asked` names what the field asks for ("why you are registering them"), so the message
    names its field."""
    text = (text or "").strip()
    if len(text) < minimum:
        return f"Give {asked} in at least {minimum} characters"
    found = [w.lower() for w in _WORD.findall(text)]
    if len(found) < words or len(set(found)) < max(2, words // 2 + 1):
        return f"Give the reason in words: at least {words} different words saying what happened"
    letters = [c.lower() for c in text if c.isalpha()]
    if len(set(letters)) < 6:
        return "Give the reason in words, not repeated letters"
    return ""
