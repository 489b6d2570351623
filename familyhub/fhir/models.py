"""Systems that read the FHIR API: a client registered by an administrator, tied to a service
account (a staff account with a role and teams), and the bearer tokens it is given.

A client reads exactly what its service account may read: every read goes through the access
layer as that account and is logged under its name. Secrets and tokens are kept only as hashes
(the secret with Django's password hasher, the token, 256 random bits, as its SHA-256).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils import timezone


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_client_id() -> str:
    return "fh-" + secrets.token_hex(12)


class ApiClient(models.Model):
    """A council's system (a child health system, a data platform, an IG tool) that reads the
    FHIR API with client credentials."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=160, help_text="The system, as the council knows it")
    client_id = models.CharField(max_length=40, unique=True, default=new_client_id, editable=False)
    secret_hash = models.CharField(max_length=200, editable=False)
    service_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="fhir_clients",
        help_text="The staff account the system reads as: its role and teams decide what it sees",
    )
    scopes = models.CharField(
        max_length=1000,
        default="patient/*.read",
        help_text="The scopes the client may ask for, separated by spaces: patient/*.read, or "
        "one per resource (patient/Patient.read patient/Observation.read)",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    secret_set_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "FHIR API client"

    def __str__(self) -> str:
        return self.name

    def set_new_secret(self) -> str:
        """A new secret: returned once to show the administrator, kept only as its hash."""
        raw = secrets.token_urlsafe(32)
        self.secret_hash = make_password(raw)
        self.secret_set_at = timezone.now()
        return raw

    def secret_matches(self, raw: str) -> bool:
        return bool(self.secret_hash) and check_password(raw, self.secret_hash)

    @property
    def allowed_scopes(self) -> list[str]:
        return [scope for scope in self.scopes.split() if scope]


class AccessToken(models.Model):
    """A bearer token issued to a client for some of its scopes, until it expires."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.CharField(max_length=1000)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["client", "expires_at"], name="fhir_token_client_idx")]

    @classmethod
    def issue(cls, client: ApiClient, scopes: list[str], minutes: int) -> tuple[AccessToken, str]:
        raw = secrets.token_urlsafe(32)
        now = timezone.now()
        # Expired tokens grant nothing; a day after expiry they are not kept either.
        cls.objects.filter(client=client, expires_at__lt=now - timedelta(days=1)).delete()
        token = cls.objects.create(
            client=client,
            digest=token_digest(raw),
            scopes=" ".join(scopes),
            issued_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        return token, raw

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()
