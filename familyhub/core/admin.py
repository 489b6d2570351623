from __future__ import annotations

from django.contrib import admin

from familyhub.core.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "status", "done", "total", "created_at")
    list_filter = ("kind", "status")
