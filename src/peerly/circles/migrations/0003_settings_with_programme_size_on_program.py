"""Circle settings exist for every circle programme (never created on read any more), and the
circle size lives only on the programme; team rules use the canonical labels.

Forwards: the settings' copy of the size was what formation used, so it is written back to
the programme before the copy is removed; a circle programme without settings gets them, with
the programme's size normalised exactly as the old first read did (clamped to 3–4)."""

from django.db import migrations
from django.db import models

MIN_SIZE, MAX_SIZE = 3, 4


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    program_model = apps.get_model("programs", "Program")
    settings_model = apps.get_model("circles", "CircleSettings")
    for program in program_model.objects.filter(kind="circle").order_by("pk"):
        row = settings_model.objects.filter(program=program).first()
        if row is None:
            settings_model.objects.create(program=program)
            size = program.group_size
        else:
            size = row.group_size  # the historical field (before it is removed below)
        size = max(MIN_SIZE, min(size, MAX_SIZE))
        if program.group_size != size:
            program.group_size = size
            program.save(update_fields=["group_size"])


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    settings_model = apps.get_model("circles", "CircleSettings")
    for row in settings_model.objects.select_related("program"):
        row.group_size = max(MIN_SIZE, min(row.program.group_size, MAX_SIZE))
        row.save(update_fields=["group_size"])


class Migration(migrations.Migration):
    dependencies = [
        ("circles", "0002_circle_timezone_and_slot_conflicts"),
        ("programs", "0002_program_retention"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RemoveConstraint(
            model_name="circlesettings",
            name="circle_settings_size",
        ),
        migrations.RemoveField(
            model_name="circlesettings",
            name="group_size",
        ),
        migrations.AlterField(
            model_name="circlesettings",
            name="team_rule",
            field=models.CharField(
                choices=[
                    ("cross", "Prefer people from different teams"),
                    ("none", "No team rule"),
                    ("same", "Prefer people from the same team"),
                ],
                default="none",
                max_length=10,
            ),
        ),
    ]
