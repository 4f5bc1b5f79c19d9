"""ActionItem now lives in growth (growth 0002 takes the model over; its table is renamed there)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("circles", "0003_settings_with_programme_size_on_program"),
        ("growth", "0002_actionitem_from_circles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="ActionItem")],
        ),
    ]
