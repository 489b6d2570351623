"""Administration of the data-sharing protocol.

Only models without people's information are here: agreements and staff home postcodes.
Consent, shares, decisions and break-glass hold people's information and are managed through the
access-checked pages. The access log is not here either: it says who looked at whom, and the
information governance lead reads it on /access/log/, where those reads are logged in turn.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin

from familyhub.access.models import SharingAgreement, StaffHomeAddress
from familyhub.access.records import category_choices
from familyhub.accounts.roles import Role
from familyhub.core.forms import GovukModelForm


class SharingAgreementForm(GovukModelForm):
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
        cast(Any, self.fields["categories"]).choices = category_choices()


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
