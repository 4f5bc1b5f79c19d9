"""Settings rows are created with the programme, never on read: give every existing mentorship
programme its row now (reads used to create it on first use)."""

from typing import Any

from django.db import migrations


def create_missing_settings(apps: Any, schema_editor: Any) -> None:
    Program = apps.get_model("programs", "Program")
    MentorshipSettings = apps.get_model("mentorship", "MentorshipSettings")
    missing = Program.objects.filter(kind="mentorship", mentorship_settings__isnull=True)
    MentorshipSettings.objects.bulk_create(
        [MentorshipSettings(program_id=pk) for pk in missing.values_list("pk", flat=True)]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("mentorship", "0001_initial"),
        ("programs", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_missing_settings, migrations.RunPython.noop)]
