"""Role checks for pages that show no person's information (home, planning, administration)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.core.exceptions import PermissionDenied


def require_role(roles: Iterable[str]) -> Callable:
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in allowed and not request.user.is_superuser:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_roles = allowed  # type: ignore[attr-defined]
        return wrapped

    return decorator
