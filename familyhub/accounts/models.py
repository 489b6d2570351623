from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models

from familyhub.accounts.roles import MANAGER_ROLES, PRACTITIONER_ROLES, Role


class User(AbstractUser):
    """A member of staff. Each account holds one role; teams come from services.TeamMembership."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.RECEPTION)
    job_title = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_practitioner(self) -> bool:
        return self.role in PRACTITIONER_ROLES

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGER_ROLES

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


def is_two_factor_verified(user) -> bool:
    """django-otp's OTPMiddleware gives signed-in users is_verified(); anyone else is not."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())
