"""Councils edit their frameworks, outcome areas, indicator links and targets here, no code."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from familyhub.core import indicators as registry
from familyhub.core.forms import GovukModelForm
from familyhub.outcomes.models import IndicatorLink, IndicatorTarget, OutcomeArea, OutcomeFramework


def _indicator_choices() -> list[tuple[str, str]]:
    return [(key, f"{ind.title} ({key})") for key, ind in sorted(registry.all_registered().items())]


class IndicatorLinkForm(GovukModelForm):
    indicator_key = forms.ChoiceField(label="Indicator", choices=_indicator_choices)

    class Meta:
        model = IndicatorLink
        fields = ["indicator_key", "order"]


class IndicatorTargetForm(GovukModelForm):
    indicator_key = forms.ChoiceField(label="Indicator", choices=_indicator_choices)

    class Meta:
        model = IndicatorTarget
        fields = ["indicator_key", "target", "note"]


class OutcomeAreaInline(admin.TabularInline):
    model = OutcomeArea
    extra = 1
    show_change_link = True


class IndicatorLinkInline(admin.TabularInline):
    model = IndicatorLink
    form = IndicatorLinkForm
    extra = 1


@admin.register(OutcomeFramework)
class OutcomeFrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OutcomeAreaInline]


@admin.register(OutcomeArea)
class OutcomeAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "framework", "order"]
    list_filter = ["framework"]
    inlines = [IndicatorLinkInline]


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(admin.ModelAdmin):
    form = IndicatorTargetForm
    list_display = ["indicator_key", "target", "note", "updated_at"]
