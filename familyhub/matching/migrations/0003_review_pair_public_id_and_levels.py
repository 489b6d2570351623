import uuid

from django.db import migrations, models


def fill_public_ids(apps, schema_editor):
    ReviewPair = apps.get_model("matching", "ReviewPair")
    for pair in ReviewPair.objects.filter(public_id__isnull=True).only("pk"):
        ReviewPair.objects.filter(pk=pair.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("matching", "0002_postgres_trigram")]

    operations = [
        migrations.AddField(
            model_name="reviewpair",
            name="levels",
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name="reviewpair",
            name="public_id",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reviewpair",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
