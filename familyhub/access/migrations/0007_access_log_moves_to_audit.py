"""The access log's two models move to the audit part. Only Django's record of the models
changes: the tables, their triggers and the append function stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0006_access_log_keyed_append_and_guards"),
        ("audit", "0001_access_log_from_the_access_part"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="accesslog",
                    name="user",
                ),
                migrations.DeleteModel(
                    name="AccessLogHead",
                ),
                migrations.DeleteModel(
                    name="AccessLog",
                ),
            ],
        ),
    ]
