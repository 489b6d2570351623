from __future__ import annotations

from django.contrib import admin

from familyhub.services.models import Service, Team, TeamMembership


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "commissioner", "provider", "contract_value", "referral_email")
    list_filter = ("kind",)
    search_fields = ("name", "provider")


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "service", "locality", "base")
    list_filter = ("service", "locality")
    inlines = [MembershipInline]
