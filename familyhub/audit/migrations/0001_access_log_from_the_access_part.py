"""The access log's two models, moved from the access part: the tables (access_accesslog,
access_accessloghead), created there by access 0001, keep their names, triggers and function."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("access", "0006_access_log_keyed_append_and_guards"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="AccessLogHead",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("last_seq", models.PositiveBigIntegerField(default=0)),
                        (
                            "last_hash",
                            models.CharField(
                                default="0000000000000000000000000000000000000000000000000000000000000000",
                                max_length=64,
                            ),
                        ),
                        ("key_id", models.CharField(blank=True, default="", max_length=16)),
                        ("keyed_from", models.PositiveBigIntegerField(default=1)),
                    ],
                    options={
                        "db_table": "access_accessloghead",
                    },
                ),
                migrations.CreateModel(
                    name="AccessLog",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("seq", models.PositiveBigIntegerField(unique=True)),
                        (
                            "occurred_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        ("username", models.CharField(blank=True, max_length=150)),
                        ("person_pk", models.PositiveBigIntegerField(db_index=True)),
                        ("person_public_id", models.UUIDField(null=True)),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("read", "Read"),
                                    ("search", "Search"),
                                    ("export", "Export"),
                                    ("change", "Change"),
                                    ("create", "Create"),
                                    ("merge", "Merge"),
                                    ("break_glass", "Break-glass"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("purpose", models.CharField(max_length=200)),
                        (
                            "channel",
                            models.CharField(
                                choices=[
                                    ("page", "Page"),
                                    ("api", "API"),
                                    ("search", "Search"),
                                    ("export", "Export"),
                                    ("report", "Report"),
                                    ("registration", "Registration"),
                                    ("task", "Background task"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("detail", models.CharField(blank=True, max_length=500)),
                        ("prev_hash", models.CharField(max_length=64)),
                        ("chain_hash", models.CharField(max_length=64)),
                        ("key_id", models.CharField(blank=True, default="", max_length=16)),
                        (
                            "user",
                            models.ForeignKey(
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "access_accesslog",
                        "ordering": ["-seq"],
                        "indexes": [
                            models.Index(
                                fields=["person_pk", "occurred_at"], name="accesslog_person_idx"
                            ),
                            models.Index(fields=["user", "occurred_at"], name="accesslog_user_idx"),
                        ],
                    },
                ),
            ],
        ),
    ]
