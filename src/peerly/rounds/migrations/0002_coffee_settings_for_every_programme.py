"""Coffee settings exist for every coffee programme (never created on read any more), and
the programme holds the cadence and group size the draws used (0003 then removes the copies;
two migrations because PostgreSQL refuses ALTER TABLE after row changes in one transaction).

Forwards: the settings' copies were what the draws used, so they are written back to the
programme before the copies are removed; a coffee programme without settings gets them, with
the programme's cadence and group size normalised exactly as the old first read did
(a cadence coffee cannot run → monthly, group size clamped to 2–4)."""

from django.db import migrations

COFFEE_CADENCES = ("weekly", "fortnightly", "monthly")


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    program_model = apps.get_model("programs", "Program")
    settings_model = apps.get_model("rounds", "CoffeeSettings")
    for program in program_model.objects.filter(kind="coffee").order_by("pk"):
        row = settings_model.objects.filter(program=program).first()
        if row is None:
            cadence = program.cadence if program.cadence in COFFEE_CADENCES else "monthly"
            group_size = min(max(program.group_size, 2), 4)
            settings_model.objects.create(program=program, cadence=cadence, group_size=group_size)
        else:
            cadence, group_size = row.cadence, row.group_size
        if (program.cadence, program.group_size) != (cadence, group_size):
            program.cadence, program.group_size = cadence, group_size
            program.save(update_fields=["cadence", "group_size"])


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    settings_model = apps.get_model("rounds", "CoffeeSettings")
    for row in settings_model.objects.select_related("program"):
        row.cadence = row.program.cadence if row.program.cadence in COFFEE_CADENCES else "monthly"
        row.group_size = min(max(row.program.group_size, 2), 4)
        row.save(update_fields=["cadence", "group_size"])


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0002_program_retention"),
        ("rounds", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
