"""Other parts react to changes in the register without the register knowing them.

Data flows one way (DESIGN.md): people is the spine and must not import the parts that hang off
it. A part that keeps something derived from a person (a child health schedule, say) registers a
function here from its AppConfig.ready():

    hooks.after_person_change(my_refresh)      # my_refresh(person, changed_fields)

people.services calls `person_changed` inside the same transaction as the change, so a failing
reaction rolls the change back rather than leaving the two out of step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from familyhub.people.models import Person

PersonChangeHook = Callable[[Person, frozenset[str]], None]

_AFTER_CHANGE: dict[str, PersonChangeHook] = {}

# The fields a new record "changes": reactions treat a registration as every field being set.
CREATED = "created"


def after_person_change(fn: PersonChangeHook) -> PersonChangeHook:
    _AFTER_CHANGE[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def person_changed(person: Person, fields: Iterable[str]) -> None:
    changed = frozenset(fields)
    if not changed:
        return
    for hook in _AFTER_CHANGE.values():
        hook(person, changed)
