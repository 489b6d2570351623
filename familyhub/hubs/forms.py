from __future__ import annotations

import datetime

from django import forms

from familyhub.places.models import Locality, Site


class TimetableFilterForm(forms.Form):
    locality = forms.ModelChoiceField(
        queryset=Locality.objects.none(), required=False, empty_label="All localities"
    )
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, empty_label="All sites"
    )
    week = forms.DateField(
        required=False,
        help_text="Any day in the week you want, for example 2026-01-12",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )

    def __init__(self, *args, authority=None, **kwargs):
        super().__init__(*args, **kwargs)
        if authority is not None:
            self.fields["locality"].queryset = Locality.objects.filter(authority=authority)
            self.fields["site"].queryset = Site.objects.filter(authority=authority)


class PeriodForm(forms.Form):
    start = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="For example 2026-09-01 or 01/09/2026",
    )
    end = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="For example 2026-12-18 or 18/12/2026",
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date must be on or after the start date")
        if start and end and (end - start) > datetime.timedelta(days=731):
            self.add_error("end", "Choose a period of two years or less")
        return data


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search by name or family card number", required=False, max_length=100
    )
