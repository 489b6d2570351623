"""Services, providers, contracts and teams, and practitioners' memberships of teams."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from familyhub.places.models import Authority, Locality, Site


class ServiceKind(models.TextChoices):
    FAMILY_HUB = "family_hub", "Family hubs and children's centres"
    HEALTH_VISITING = "health_visiting", "Health visiting"
    SCHOOL_NURSING = "school_nursing", "School nursing"
    EARLY_HELP = "early_help", "Early help"
    FRONT_DOOR = "front_door", "Front door (multi-agency)"
    COMMISSIONED = "commissioned", "Commissioned targeted service"
    SOCIAL_CARE = "social_care", "Children's social care"
    OTHER = "other", "Other"


class Service(models.Model):
    """A service in the 0-19 model, with who commissions and provides it under what contract."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=20, choices=ServiceKind.choices, default=ServiceKind.OTHER)
    commissioner = models.CharField(max_length=160, blank=True)
    provider = models.CharField(max_length=240, blank=True)
    main_location = models.CharField(max_length=160, blank=True)
    part_of = models.CharField(max_length=160, blank=True, help_text="The programme it belongs to")
    contract_value = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="Annual value, GBP"
    )
    contract_start = models.DateField(null=True, blank=True)
    contract_end = models.DateField(null=True, blank=True)
    # For a partner that is not on Familyhub: where its referrals go.
    referral_email = models.EmailField(
        blank=True, help_text="Secure email address for referrals (for example an nhs.net one)"
    )
    referral_address = models.TextField(blank=True, help_text="Postal address for referral letters")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="service_unique_name"),
            models.CheckConstraint(
                condition=models.Q(contract_end__isnull=True)
                | models.Q(contract_start__isnull=True)
                | models.Q(contract_end__gte=models.F("contract_start")),
                name="service_contract_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A service's team in a locality (for example: Health visiting, East)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=160)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="teams")
    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, null=True, blank=True, related_name="teams"
    )
    base = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="teams"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    fte = models.DecimalField(max_digits=3, decimal_places=2, default=1)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="membership_unique_user_team")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"
