"""The one check of a client's details, for the admin and the fhir-client command alike."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from familyhub.accounts.roles import PRACTITIONER_ROLES, Role
from familyhub.core.forms import GovukModelForm
from familyhub.fhir.auth import scope_is_valid
from familyhub.fhir.models import ApiClient

SERVICE_ACCOUNT_ROLES = PRACTITIONER_ROLES | {Role.IG_LEAD}


class ApiClientForm(GovukModelForm):
    class Meta:
        model = ApiClient
        fields = ("name", "service_account", "scopes", "is_active")

    def clean_scopes(self) -> str:
        scopes = self.cleaned_data["scopes"].split()
        bad = [scope for scope in scopes if not scope_is_valid(scope)]
        if bad or not scopes:
            raise ValidationError(
                "Scopes: give one or more of patient/*.read or patient/<Resource>.read "
                f"(not {' '.join(bad) or 'nothing'})"
            )
        return " ".join(scopes)

    def clean_service_account(self):
        account = self.cleaned_data["service_account"]
        if account.is_superuser or account.role not in SERVICE_ACCOUNT_ROLES:
            raise ValidationError(
                "Service account: choose a staff account with a practitioner role (or the "
                "information governance lead role, for the access log), not an administrator"
            )
        return account
