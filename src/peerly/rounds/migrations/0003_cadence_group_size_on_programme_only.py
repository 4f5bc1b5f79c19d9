"""Cadence and group size live only on the programme (`Program.cadence`, `Program.group_size`);
0002 copied the settings' values back to it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("rounds", "0002_coffee_settings_for_every_programme"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="coffeesettings",
            name="coffee_group_size",
        ),
        migrations.RemoveField(
            model_name="coffeesettings",
            name="cadence",
        ),
        migrations.RemoveField(
            model_name="coffeesettings",
            name="group_size",
        ),
    ]
