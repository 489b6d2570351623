"""The activity types every council starts with (authority empty = shared defaults)."""

from __future__ import annotations

from django.db import migrations

# code, name, min months, max months, for adults, outcome areas, offer, course, capacity, minutes
DEFAULTS = [
    (
        "stay-and-play",
        "Stay and play",
        0,
        59,
        False,
        ["early_years", "parenting"],
        "universal",
        False,
        20,
        90,
    ),
    (
        "baby-massage",
        "Baby massage",
        0,
        12,
        False,
        ["parenting", "emotional_health"],
        "universal",
        True,
        10,
        60,
    ),
    (
        "breastfeeding-peer-support",
        "Breastfeeding peer support",
        0,
        12,
        True,
        ["breastfeeding", "health"],
        "universal",
        False,
        12,
        90,
    ),
    (
        "parenting-course",
        "Parenting course",
        0,
        216,
        True,
        ["parenting", "emotional_health"],
        "targeted",
        True,
        12,
        120,
    ),
    (
        "adult-learning",
        "Adult learning",
        None,
        None,
        True,
        ["employment", "education"],
        "targeted",
        True,
        12,
        120,
    ),
    (
        "health-visitor-clinic",
        "Health visitor clinic",
        0,
        59,
        False,
        ["health"],
        "universal",
        False,
        20,
        120,
    ),
    (
        "weight-management-group",
        "Weight management group",
        48,
        216,
        False,
        ["healthy_weight", "health"],
        "targeted",
        True,
        12,
        90,
    ),
    (
        "youth-session",
        "Youth session",
        132,
        228,
        False,
        ["emotional_health", "education"],
        "universal",
        False,
        25,
        120,
    ),
    (
        "speech-and-language",
        "Chat and play (speech and language)",
        18,
        48,
        False,
        ["early_years"],
        "targeted",
        True,
        8,
        60,
    ),
    (
        "antenatal-group",
        "Antenatal group",
        None,
        None,
        True,
        ["health", "breastfeeding"],
        "universal",
        True,
        12,
        120,
    ),
]


def seed(apps, schema_editor):
    ActivityType = apps.get_model("hubs", "ActivityType")
    for code, name, lo, hi, adults, areas, offer, course, capacity, minutes in DEFAULTS:
        ActivityType.objects.get_or_create(
            authority=None,
            code=code,
            defaults={
                "name": name,
                "min_age_months": lo,
                "max_age_months": hi,
                "for_adults": adults,
                "outcome_areas": areas,
                "offer": offer,
                "is_course": course,
                "default_capacity": capacity,
                "default_minutes": minutes,
            },
        )


def unseed(apps, schema_editor):
    ActivityType = apps.get_model("hubs", "ActivityType")
    # Only the defaults nobody has used yet: a type with sessions is kept (PROTECT would refuse).
    ActivityType.objects.filter(
        authority=None,
        code__in=[row[0] for row in DEFAULTS],
        sessions__isnull=True,
        series__isnull=True,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("hubs", "0001_sessions_bookings_attendance")]

    operations = [migrations.RunPython(seed, unseed)]
