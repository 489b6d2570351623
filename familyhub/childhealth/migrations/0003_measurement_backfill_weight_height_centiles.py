"""Weight and height centiles for measurements recorded before they were kept.

Until now a measurement kept its BMI centile only. This works out, for each existing row, the
age used (chronological: no correction for prematurity was made then), whether the height was a
length (under 2 years) and the weight and height SDS, with rcpchgrowth directly (no app code, as
migrations must not import it). Stored values (height, weight, BMI and its categories) are not
touched; a value the reference cannot place is left without a centile. The reverse leaves the
added values alone: they are derived, and by then rows recorded since hold the same fields.
"""

from __future__ import annotations

from django.db import migrations

LENGTH_UNTIL_AGE = 2.0


def backfill(apps, schema_editor):
    from rcpchgrowth import chronological_decimal_age, sds_for_measurement

    measurement_model = apps.get_model("childhealth", "Measurement")
    rows = measurement_model.objects.filter(age_years__isnull=True).select_related("person")
    for row in rows.iterator(chunk_size=500):
        person = row.person
        if person.date_of_birth is None or row.measured_on < person.date_of_birth:
            continue
        age = chronological_decimal_age(person.date_of_birth, row.measured_on)
        sex = {"M": "male", "F": "female"}.get(person.sex)
        found = {}
        for name, method, value in (
            ("weight_sds", "weight", row.weight_kg),
            ("height_sds", "height", row.height_cm),
        ):
            if sex is None or value is None:
                continue
            try:
                found[name] = round(
                    float(sds_for_measurement("uk-who", age, method, float(value), sex)), 3
                )
            except (LookupError, ValueError, TypeError):
                continue
        measurement_model.objects.filter(pk=row.pk).update(
            age_years=age,
            height_position=(
                ("lying" if age < LENGTH_UNTIL_AGE else "standing")
                if row.height_cm is not None
                else ""
            ),
            **found,
        )


class Migration(migrations.Migration):
    dependencies = [("childhealth", "0002_measurement_weight_length_head_centiles")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
