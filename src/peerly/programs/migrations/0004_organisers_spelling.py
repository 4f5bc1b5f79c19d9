# One spelling in identifiers: "organiser" (issue 12). Renames, so no data is lost.

from django.conf import settings
from django.db import migrations
from django.db import models


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0003_kind_from_registry"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="program", old_name="organizers", new_name="organisers"),
        migrations.AlterField(
            model_name="program",
            name="organisers",
            field=models.ManyToManyField(
                blank=True, related_name="organised_programs", to=settings.AUTH_USER_MODEL
            ),
        ),
    ]
