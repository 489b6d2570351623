"""The shipped frameworks named their source with a pointer to a developers' document
("... (DOMAIN.md)"), which the outcomes pages showed to councils: say the source alone. (0002
now ships them without it; this mends databases that ran the old 0002.)"""

from django.db import migrations


def sources_in_words(apps, schema_editor):
    Framework = apps.get_model("outcomes", "OutcomeFramework")
    for framework in Framework.objects.filter(source__contains="(DOMAIN.md)"):
        framework.source = framework.source.replace(" (DOMAIN.md)", "").replace("(DOMAIN.md)", "")
        framework.save(update_fields=["source"])


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0002_ship_example_frameworks")]

    operations = [migrations.RunPython(sources_in_words, migrations.RunPython.noop)]
