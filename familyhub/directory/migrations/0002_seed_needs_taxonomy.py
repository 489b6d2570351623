"""The directory's own needs taxonomy (directory/taxonomy.py), present from the start."""

from django.db import migrations


def seed(apps, schema_editor) -> None:
    from familyhub.directory.taxonomy import ensure_needs_taxonomy

    ensure_needs_taxonomy(
        apps.get_model("directory", "Taxonomy"), apps.get_model("directory", "TaxonomyTerm")
    )


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
