from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms

from familyhub.accounts.models import User
from familyhub.core.forms import GovukDateField, GovukForm
from familyhub.hubs.models import ActivityType
from familyhub.places.models import Locality, Site, SiteKind, SiteStatus
from familyhub.services.selectors import staff_label


class TimetableFilterForm(GovukForm):
    locality = forms.ModelChoiceField(
        queryset=Locality.objects.none(), required=False, empty_label="All localities"
    )
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, empty_label="All sites"
    )
    week = GovukDateField(
        label="Week",
        required=False,
        error_name="the week",
        help_text="Any day in the week you want, for example 12 1 2026",
    )

    def __init__(self, *args, authority=None, **kwargs):
        super().__init__(*args, **kwargs)
        if authority is not None:
            cast(Any, self.fields["locality"]).queryset = Locality.objects.filter(
                authority=authority
            )
            cast(Any, self.fields["site"]).queryset = Site.objects.filter(authority=authority)


class PeriodForm(GovukForm):
    start = GovukDateField(
        label="Start",
        required=False,
        error_name="the start date",
        help_text="For example, 1 9 2026",
    )
    end = GovukDateField(
        label="End", required=False, error_name="the end date", help_text="For example, 18 12 2026"
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date must be on or after the start date")
        if start and end and (end - start) > datetime.timedelta(days=731):
            self.add_error("end", "Choose a period of two years or less")
        return data


class SearchForm(GovukForm):
    error_names = {"q": "the search"}

    q = forms.CharField(
        label="Search by name or family card number", required=False, max_length=100
    )


class SessionSetupForm(GovukForm):
    """A one-off session, or a weekly one when "Repeat every week until" is given."""

    error_names = {"hub": "the hub it counts toward"}

    activity: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=ActivityType.objects.none(),
        empty_label="Choose an activity",
        error_messages={"required": "Choose the activity"},
    )
    site: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Site.objects.none(),
        label="Where",
        empty_label="Choose a place",
        error_messages={"required": "Choose where the session is"},
    )
    first_date = GovukDateField(
        label="Date (the first week, for a weekly session)",
        error_name="the date of the session",
        help_text="For example, 7 9 2026",
    )
    until = GovukDateField(
        label="Repeat every week until",
        required=False,
        error_name="the last week",
        help_text="For example, 14 12 2026. Leave empty for a one-off session. "
        "Bank holidays are skipped.",
    )
    start_time = forms.TimeField(
        label="Starts at",
        help_text="For example 10:00",
        error_messages={
            "required": "Enter the time the session starts",
            "invalid": "Enter the time the session starts, like 10:00",
        },
    )
    end_time = forms.TimeField(
        label="Ends at",
        help_text="For example 11:30",
        error_messages={
            "required": "Enter the time the session ends",
            "invalid": "Enter the time the session ends, like 11:30",
        },
    )
    capacity = forms.IntegerField(
        label="Places",
        required=False,
        min_value=1,
        max_value=500,
        help_text="Leave empty for the activity's usual number",
    )
    is_course = forms.BooleanField(
        label="A course: families book every week at once", required=False
    )
    hub: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Site.objects.none(),
        required=False,
        label="Counts toward hub",
        help_text="Only for outreach away from the hub that serves the venue's area",
        empty_label="The hub that serves the venue's area",
    )
    staff: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They can take the register",
    )

    def __init__(self, *args, authority, staff_queryset, **kwargs):
        from django.db.models import Q

        super().__init__(*args, **kwargs)
        cast(Any, self.fields["activity"]).queryset = ActivityType.objects.filter(
            Q(authority__isnull=True) | Q(authority=authority)
        )
        sites = Site.objects.filter(authority=authority).exclude(status=SiteStatus.CLOSED)
        cast(Any, self.fields["site"]).queryset = sites
        cast(Any, self.fields["hub"]).queryset = sites.filter(kind=SiteKind.FAMILY_HUB)
        cast(Any, self.fields["staff"]).queryset = staff_queryset.prefetch_related(
            "memberships__team"
        )
        # Several staff can share a name: the role and job title tell them apart.
        self.fields["staff"].label_from_instance = staff_label  # type: ignore[attr-defined]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        first, until = data.get("first_date"), data.get("until")
        start, end = data.get("start_time"), data.get("end_time")
        if first and until and until < first:
            self.add_error("until", "The last week must be on or after the first date")
        if first and until and (until - first).days > 366:
            self.add_error("until", "Set up a weekly session for a year or less at a time")
        if start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time")
        return data
