"""Access-log rows in words for the information governance lead: no identifiers, no ISO times."""

from __future__ import annotations

import re

from django import template

register = template.Library()

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
# What a log row's detail said, written by the access layer and the services, in words.
_PATTERNS = [
    (re.compile(r"^requested merged record \S+$"), "asked for a record since merged into this one"),
    (re.compile(r"^minimal view$"), "the minimal view only (name, date of birth, postcode area)"),
    (re.compile(r"^family \S+$"), "as one of a family"),
    (re.compile(r"^break-glass \S+: (?P<reason>.*)$", re.S), "break-glass: {reason}"),
    (re.compile(r"^q=(?P<q>.*)$", re.S), 'searched for "{q}"'),
]


@register.filter
def log_detail(text: str) -> str:
    """A row's detail as the lead should read it."""
    text = (text or "").strip()
    if not text:
        return ""
    for pattern, words in _PATTERNS:
        match = pattern.match(text)
        if match:
            return words.format(**match.groupdict())
    # "<kind of record> <id>" and any other id: the kind stays, the id goes.
    return re.sub(r"\s{2,}", " ", _UUID.sub("", text)).strip(" :")
