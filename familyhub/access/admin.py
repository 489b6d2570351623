"""Administration of the data-sharing protocol.

Only models without people's information are here: agreements, staff home postcodes, and the
access log read-only (it holds person references, never names). Consent, shares, decisions and
break-glass hold people's information and are managed through the access-checked pages.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin

from familyhub.access.models import AccessLog, SharingAgreement, StaffHomeAddress
from familyhub.access.records import category_choices
from familyhub.accounts.roles import Role


class SharingAgreementForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every practitioner role.",
    )
    categories = forms.MultipleChoiceField(choices=(), widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = SharingAgreement
        fields = [
            "name",
            "owner_service",
            "recipient_service",
            "roles",
            "categories",
            "basis",
            "starts",
            "ends",
            "signed_by",
            "notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = category_choices()


@admin.register(SharingAgreement)
class SharingAgreementAdmin(admin.ModelAdmin):
    form = SharingAgreementForm
    list_display = ("name", "owner_service", "recipient_service", "basis", "starts", "ends")
    list_filter = ("basis", "owner_service")
    search_fields = ("name",)


@admin.register(StaffHomeAddress)
class StaffHomeAddressAdmin(admin.ModelAdmin):
    list_display = ("user", "postcode", "updated_at")
    search_fields = ("user__username", "user__last_name")
    autocomplete_fields = ("user",)


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: no add, change or delete, whoever asks."""

    list_display = ("seq", "occurred_at", "username", "person_public_id", "action", "channel")
    list_filter = ("action", "channel")
    search_fields = ("username", "person_public_id")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
