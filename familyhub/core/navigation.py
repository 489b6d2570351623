"""The service navigation, by role: a hook (core.hooks) each part adds its links to from its
AppConfig.ready():

    navigation.register("Reviews", "childhealth:worklist", roles=CHILD_HEALTH_ROLES, order=20)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from familyhub.core.hooks import Hook


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    roles: frozenset[str]  # empty: everyone signed in
    order: int


links: Hook[Link] = Hook("navigation", "the links of the service navigation, by role")


def register(label: str, url_name: str, *, roles: Iterable[str] = (), order: int = 50) -> None:
    """Add a link (keyed by its URL name, so registering it again replaces it)."""
    link = Link(label, url_name, frozenset(str(role) for role in roles), order)
    links.register(link, key=url_name)


def items_for(user) -> list[dict[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    visible = []
    for link in sorted(links, key=lambda link: (link.order, link.label)):
        if link.roles and user.role not in link.roles:
            continue
        try:
            visible.append({"label": link.label, "url": reverse(link.url_name)})
        except NoReverseMatch:
            continue
    return visible
