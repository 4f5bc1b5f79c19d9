"""Circle action items become growth's one ActionItem model (every programme kind's actions).

State only: the table and its rows stay where they are (circles_actionitem) until 0003 renames
it, so no row is copied and no id changes.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations
from django.db import models


class Migration(migrations.Migration):
    dependencies = [
        ("growth", "0001_initial"),
        ("circles", "0003_settings_with_programme_size_on_program"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ActionItem",
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
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("text", models.CharField(max_length=500)),
                        ("due_on", models.DateField(blank=True, null=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("open", "Not started"),
                                    ("in_progress", "In progress"),
                                    ("done", "Done"),
                                    ("dropped", "Dropped"),
                                ],
                                default="open",
                                max_length=20,
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="action_items",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "block",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="actions",
                                to="circles.block",
                            ),
                        ),
                        (
                            "circle",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="actions",
                                to="circles.circle",
                            ),
                        ),
                        (
                            "reviewed_in",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="reviewed_actions",
                                to="circles.circlesession",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["due_on", "id"],
                        "db_table": "circles_actionitem",
                        "indexes": [
                            models.Index(
                                fields=["owner", "status"], name="circles_act_owner_i_a56211_idx"
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
