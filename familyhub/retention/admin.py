from __future__ import annotations

from django.contrib import admin

from familyhub.retention.models import RetentionSchedule


@admin.register(RetentionSchedule)
class RetentionScheduleAdmin(admin.ModelAdmin):
    """Schedules are data a council edits: its own rows beside (or instead of) the defaults."""

    list_display = ("name", "record_type", "service_kind", "authority", "guidance")
    list_filter = ("service_kind", "authority")
