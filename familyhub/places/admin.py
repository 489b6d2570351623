from __future__ import annotations

from django.contrib import admin

from familyhub.places.models import Area, Authority, Locality, PostcodeArea, Site


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "code")


@admin.register(Locality)
class LocalityAdmin(admin.ModelAdmin):
    list_display = ("name", "authority")


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "locality", "imd_rank", "imd_decile", "population_0_4")
    list_filter = ("kind", "locality", "imd_decile")
    search_fields = ("name", "code")


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "status", "locality", "postcode")
    list_filter = ("kind", "status", "locality")
    search_fields = ("name", "postcode")
    filter_horizontal = ("reach_areas",)


@admin.register(PostcodeArea)
class PostcodeAreaAdmin(admin.ModelAdmin):
    list_display = ("postcode", "area")
    search_fields = ("postcode",)
    list_select_related = ("area",)
