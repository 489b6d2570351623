"""The council's administrator edits its continuum of need and its deadlines here."""

from __future__ import annotations

from django.contrib import admin

from familyhub.referrals.models import ContinuumLevel, DeadlineRule


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = (
        "step",
        "working_days",
        "service",
        "service_kind",
        "level",
        "authority",
        "team_leader_after",
        "manager_after",
    )
    list_filter = ("step", "service_kind", "authority")
    fieldsets = (
        (None, {"fields": ("step", "working_days")}),
        (
            "Which work it covers (leave blank for any: the most specific rule wins)",
            {"fields": ("authority", "service", "service_kind", "level")},
        ),
        ("Escalation when overdue", {"fields": ("team_leader_after", "manager_after")}),
    )


@admin.register(ContinuumLevel)
class ContinuumLevelAdmin(admin.ModelAdmin):
    list_display = ("level", "name", "rank", "authority", "is_statutory")
    list_filter = ("authority",)
