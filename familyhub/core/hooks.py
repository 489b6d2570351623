"""The one way a part reacts to, or adds to, a part below it.

Data flows one way (docs/ARCHITECTURE.md): a lower part never imports a higher one. When a lower
part needs something from the parts above it (people needs schedules refreshed after a change;
the access layer needs to know who is involved with whom), it declares a Hook, and each higher
part registers on it from its AppConfig.ready():

    # familyhub/people/hooks.py (the lower part declares and calls)
    person_changed: Hook[PersonChanged] = Hook("person_changed", "after a person's record changes")
    ...
    for react in person_changed:
        react(person, fields)

    # familyhub/childhealth/apps.py (the higher part registers)
    def ready(self):
        from familyhub.childhealth.hooks import refresh_schedule_on_change
        from familyhub.people.hooks import person_changed

        person_changed.register(refresh_schedule_on_change)

A hook keeps its entries in the order they were registered; registering the same entry (or the
same key) twice keeps one, so ready() may run twice. Entries are usually functions; a hook may
also carry plain data (navigation links, indicators), keyed by `key=`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def _key_of(entry: Any) -> str:
    module = getattr(entry, "__module__", None)
    name = getattr(entry, "__qualname__", None)
    if module and name:
        return f"{module}.{name}"
    return repr(entry)


class Hook(Generic[T]):
    """An extension point declared by a lower part: higher parts register entries on it."""

    def __init__(self, name: str, doc: str = "") -> None:
        self.name = name
        self.doc = doc
        self._entries: dict[str, T] = {}

    def register(self, entry: T, *, key: str | None = None) -> T:
        """Add an entry (idempotent by key: a function's dotted name unless given). Returns the
        entry, so a function may be registered with `@hook.register`."""
        self._entries[key or _key_of(entry)] = entry
        return entry

    def unregister(self, entry: T | str) -> None:
        """Remove an entry (by the entry or its key); for tests that add one for a while."""
        self._entries.pop(entry if isinstance(entry, str) else _key_of(entry), None)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._entries.values()))

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> T | None:
        return self._entries.get(key)

    def items(self) -> list[tuple[str, T]]:
        return list(self._entries.items())

    def call(self, *args: Any, **kwargs: Any) -> list[Any]:
        """Call every registered function with the same arguments; their results in order."""
        return [entry(*args, **kwargs) for entry in self if callable(entry)]

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self)} entries>"
