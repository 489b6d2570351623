"""Administration of activities, bank holidays and session series (timetables are set up here).

Bookings and attendance are not edited in the admin: they are people's records and go through
the register pages and the access layer.
"""

from __future__ import annotations

from django.contrib import admin, messages

from familyhub.hubs import services
from familyhub.hubs.models import ActivityType, BankHoliday, Session, SessionSeries


@admin.register(ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "offer", "is_course", "min_age_months", "max_age_months", "authority")
    list_filter = ("offer", "is_course")
    search_fields = ("name", "code")


@admin.register(BankHoliday)
class BankHolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name")


@admin.action(description="Create the missing weekly sessions (skipping bank holidays)")
def generate_sessions(modeladmin, request, queryset) -> None:
    created = sum(services.series_generate(series=series) for series in queryset)
    modeladmin.message_user(request, f"Created {created} sessions.", messages.SUCCESS)


@admin.register(SessionSeries)
class SessionSeriesAdmin(admin.ModelAdmin):
    list_display = ("activity", "site", "weekday", "start_time", "starts_on", "ends_on", "capacity")
    list_filter = ("weekday", "site__locality", "is_course")
    filter_horizontal = ("staff",)
    actions = [generate_sessions]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Staff are saved with the related objects, so occurrences are made after them.
        services.series_generate(series=form.instance)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("activity", "site", "date", "start_time", "capacity", "cancelled")
    list_filter = ("site__locality", "cancelled")
    date_hierarchy = "date"
    filter_horizontal = ("staff",)
    exclude = ("register_version",)
