"""The request a page behind sign-in receives (LoginRequiredMiddleware lets no other through):
its user is a member of staff, never anonymous. Views annotate `request: AuthenticatedRequest`
so that passing `request.user` to a service that takes a `User` type-checks (the pattern
django-stubs documents)."""

from __future__ import annotations

from django.http import HttpRequest

from familyhub.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
