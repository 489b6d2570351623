"""Four free scales parenting programmes commonly score before and after, as data a council
edits (or adds to, with the licences it holds). The meaningful change is given only where the
scale's authors publish one (WEMWBS: 3 points); elsewhere any change in the better direction
counts, and the page says so."""

from django.db import migrations

SCALES = [
    (
        "Warwick-Edinburgh Mental Wellbeing Scale",
        "WEMWBS",
        14,
        70,
        True,
        3,
        "Free to use with registration (University of Warwick)",
    ),
    (
        "Short Warwick-Edinburgh Mental Wellbeing Scale",
        "SWEMWBS",
        7,
        35,
        True,
        None,
        "Free to use with registration (University of Warwick)",
    ),
    ("Parenting Sense of Competence Scale", "PSOC", 17, 102, True, None, "Free to use"),
    (
        "Strengths and Difficulties Questionnaire: total difficulties",
        "SDQ",
        0,
        40,
        False,
        None,
        "Free for non-commercial use on paper (youthinmind)",
    ),
]


def seed(apps, schema_editor):
    Scale = apps.get_model("hubs", "OutcomeScale")
    for name, short, low, high, higher, change, licence in SCALES:
        Scale.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short,
                "minimum": low,
                "maximum": high,
                "higher_is_better": higher,
                "meaningful_change": change,
                "licence": licence,
            },
        )


def unseed(apps, schema_editor):
    Scale = apps.get_model("hubs", "OutcomeScale")
    Scale.objects.filter(name__in=[s[0] for s in SCALES], measures__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("hubs", "0003_parenting_programme_measures")]

    operations = [migrations.RunPython(seed, unseed)]
