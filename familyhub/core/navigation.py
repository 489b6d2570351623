"""Navigation by role. Each part registers its entries in its AppConfig.ready()."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]  # empty: everyone signed in
    order: int = 50


_ITEMS: list[NavItem] = []


def register(
    label: str, url_name: str, *, roles: frozenset[str] | set[str] = frozenset(), order: int = 50
) -> None:
    item = NavItem(label, url_name, frozenset(roles), order)
    if item not in _ITEMS:
        _ITEMS.append(item)


def items_for(user) -> list[dict[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    visible = []
    for item in sorted(_ITEMS, key=lambda i: (i.order, i.label)):
        if item.roles and user.role not in item.roles:
            continue
        try:
            visible.append({"label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue
    return visible
