"""The count of unread notifications in every page's header."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest

from familyhub.notifications.selectors import unread_count


class UnreadCount:
    """A user's unread count, counted (one COUNT query) the first time a template uses it, so a
    page or fragment that does not show the header costs nothing."""

    def __init__(self, user) -> None:
        self._user = user

    @cached_property
    def value(self) -> int:
        return unread_count(self._user)

    def __int__(self) -> int:
        return self.value

    def __bool__(self) -> bool:
        return self.value > 0

    def __str__(self) -> str:
        return str(self.value)

    def __eq__(self, other: object) -> bool:
        return self.value == other

    __hash__ = None  # type: ignore[assignment]


def unread(request: HttpRequest) -> dict:
    """`notifications_unread` for a signed-in user; nothing (no query) for anyone else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": UnreadCount(user)}
