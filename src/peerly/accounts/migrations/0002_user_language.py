# The language a member's pages and emails are in (issue 20).
import django.db.models
from django.db import migrations

import peerly.accounts.models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="language",
            field=django.db.models.CharField(
                choices=[("en", "English"), ("es", "Español")],
                default=peerly.accounts.models.default_language,
                max_length=10,
                verbose_name="language",
            ),
        ),
    ]
