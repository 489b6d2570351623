"""Actions on a person's or a family's page that the parts above the register offer (book onto a
session, say): a hook (core.hooks) each part adds to from its AppConfig.ready(), so the register's
pages link to them without importing them.

    actions.register("Book onto a session", "hubs:family-book", shown=can_book, order=10)

`shown(user, person)` says whether the link would open for this user (a page shows a link only
then); the URL takes the person's public id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from familyhub.core.hooks import Hook


@dataclass(frozen=True)
class PersonAction:
    label: str
    url_name: str
    shown: Callable[[Any, Any], bool]
    order: int


person_actions: Hook[PersonAction] = Hook(
    "person_actions", "links other parts offer on a person's and a family's page"
)


def register(label: str, url_name: str, *, shown: Callable[[Any, Any], bool], order: int = 50):
    """Add an action (keyed by its URL name, so registering it again replaces it)."""
    person_actions.register(PersonAction(label, url_name, shown, order), key=url_name)


def actions_for(user, person) -> list[dict[str, str]]:
    """The actions this user may follow for this person: label and URL."""
    if person is None or not getattr(user, "is_authenticated", False):
        return []
    found = []
    for action in sorted(person_actions, key=lambda action: (action.order, action.label)):
        if not action.shown(user, person):
            continue
        try:
            url = reverse(action.url_name, args=[person.public_id])
        except NoReverseMatch:
            continue
        found.append({"label": action.label, "url": url})
    return found


# The same for an import's result page: what the parts above offer to do with the people a file
# brought in (trace their NHS numbers, say). The URL takes the import's public id.
import_actions: Hook[PersonAction] = Hook(
    "import_actions", "links other parts offer on an import's result page"
)


def register_import_action(
    label: str, url_name: str, *, shown: Callable[[Any, Any], bool], order: int = 50
):
    import_actions.register(PersonAction(label, url_name, shown, order), key=url_name)


def import_actions_for(user, person_import) -> list[dict[str, str]]:
    """The actions this user may follow for the people of this import: label and URL."""
    if person_import is None or not getattr(user, "is_authenticated", False):
        return []
    found = []
    for action in sorted(import_actions, key=lambda action: (action.order, action.label)):
        if action.shown(user, person_import):
            url = reverse(action.url_name, args=[person_import.public_id])
            found.append({"label": action.label, "url": url})
    return found
