"""What one request has shown and changed, so that the log has one entry per person shown.

Views get people through the access layer, which notes each person a page shows here
(`note_shown`); services note the people they changed when they log the change (`note_written`).
When the page is sent, audit.middleware writes one entry per person shown that the request did
not already log a change for. Outside a request (a task, a command, a test calling the layer
directly) there is no scope, and reads are logged at once.

The scope also keeps a small cache for the request (the access layer's Viewer, read once).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RequestScope:
    # (action, purpose, channel, detail) -> {person pk: public id}; a person appears once only.
    shown: dict[tuple[str, str, str, str], dict[int, Any]] = field(default_factory=dict)
    written: set[int] = field(default_factory=set)
    cache: dict[Any, Any] = field(default_factory=dict)

    def note_shown(self, pairs: list[tuple[int, Any]], key: tuple[str, str, str, str]) -> None:
        seen = {pk for group in self.shown.values() for pk in group}
        group = self.shown.setdefault(key, {})
        for pk, public_id in pairs:
            if pk not in seen:
                group[pk] = public_id
                seen.add(pk)

    def unlogged(self) -> Iterator[tuple[tuple[str, str, str, str], list[tuple[int, Any]]]]:
        for key, people in self.shown.items():
            pairs = [(pk, public_id) for pk, public_id in people.items() if pk not in self.written]
            if pairs:
                yield key, pairs


_scope: contextvars.ContextVar[RequestScope | None] = contextvars.ContextVar(
    "familyhub_request_scope", default=None
)


@contextmanager
def request_scope() -> Iterator[RequestScope]:
    scope = RequestScope()
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


def current() -> RequestScope | None:
    return _scope.get()
