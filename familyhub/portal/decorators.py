"""The family side's one view check: a signed-in family account, else the family sign-in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.urls import reverse

from familyhub.accounts.roles import Role


def is_family_account(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.FAMILY


def family_required(view: Callable) -> Callable:
    """Only a signed-in family account; anyone else goes to /family/sign-in/ (a member of staff
    signed in is sent there too: the family side is not a staff page)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_family_account(request.user):
            url = reverse("portal:sign-in")
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    # The staff sign-in (LoginRequiredMiddleware) would send a family member to the wrong door.
    return login_not_required(wrapped)
