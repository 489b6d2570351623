"""An administrator registers a system that reads the FHIR API: its name, the service account
it reads as (a staff account with the role and teams that decide what it sees) and its scopes.
The secret is made when the client is saved (or on "Issue a new secret") and shown once; only
its hash is kept."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone

from familyhub.fhir.forms import ApiClientForm
from familyhub.fhir.models import AccessToken, ApiClient


def _show_secret(request, client: ApiClient, secret: str) -> None:
    messages.warning(
        request,
        f"{client.name}: client_id {client.client_id}, client_secret {secret} "
        "(copy it now: it is not shown again)",
    )


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = ("name", "client_id", "service_account", "scopes", "is_active", "secret_set_at")
    list_filter = ("is_active",)
    readonly_fields = ("client_id", "secret_set_at", "created_at")
    autocomplete_fields = ("service_account",)
    actions = ["issue_new_secret", "revoke_tokens"]

    def save_model(self, request, obj: ApiClient, form, change: bool) -> None:
        secret = None if change and obj.secret_hash else obj.set_new_secret()
        super().save_model(request, obj, form, change)
        if secret:
            _show_secret(request, obj, secret)

    @admin.action(description="Issue a new secret (the old one stops working)")
    def issue_new_secret(self, request, queryset) -> None:
        for client in queryset:
            secret = client.set_new_secret()
            client.save(update_fields=["secret_hash", "secret_set_at"])
            _show_secret(request, client, secret)

    @admin.action(description="Revoke every token issued to these clients")
    def revoke_tokens(self, request, queryset) -> None:
        count = AccessToken.objects.filter(client__in=queryset, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        self.message_user(request, f"{count} tokens revoked")
