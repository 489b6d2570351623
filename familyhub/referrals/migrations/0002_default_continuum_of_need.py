"""The default continuum of need (four levels), copied from a county's published
continuum of need (Lancashire's four levels and the offer at each).
A council that sets its own levels adds rows with its authority."""

from django.db import migrations

DEFAULT_LEVELS = [
    (
        "1",
        1,
        "Universal",
        "Thriving",
        "Universal services: registration of births; information, advice and guidance; community resilience",
        False,
    ),
    (
        "2",
        2,
        "Additional support needs",
        "Just coping",
        "Universal plus targeted early help",
        False,
    ),
    (
        "3",
        3,
        "Complex support needs",
        "Struggling to cope",
        "Targeted early help: lead professional; one-to-one and group support; Supporting Families; Family Nurse Partnership; NEET support",
        False,
    ),
    (
        "4",
        4,
        "Statutory",
        "Not coping",
        "Statutory services (4a child in need, 4b child protection, 4c children looked after); early help gives additional support at 4a",
        True,
    ),
]


def load(apps, schema_editor):
    ContinuumLevel = apps.get_model("referrals", "ContinuumLevel")
    for level, rank, name, description, offer, statutory in DEFAULT_LEVELS:
        ContinuumLevel.objects.update_or_create(
            authority=None,
            level=level,
            defaults={
                "rank": rank,
                "name": name,
                "description": description,
                "service_offer": offer,
                "is_statutory": statutory,
            },
        )


def unload(apps, schema_editor):
    ContinuumLevel = apps.get_model("referrals", "ContinuumLevel")
    ContinuumLevel.objects.filter(
        authority=None, level__in=[row[0] for row in DEFAULT_LEVELS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_referrals_continuum_and_events")]
    operations = [migrations.RunPython(load, unload)]
