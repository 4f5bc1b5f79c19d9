"""GoalShare becomes Share: the same rows, and a share may now show a journal entry, a plan or a
SWOT version instead of a goal (0004 adds those and the new constraints)."""

import django.db.models.deletion
from django.db import migrations
from django.db import models


class Migration(migrations.Migration):
    dependencies = [
        ("growth", "0002_actionitem_from_circles"),
        ("circles", "0004_actionitem_to_growth"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="goalshare", name="goalshare_one_audience"),
        migrations.RemoveConstraint(model_name="goalshare", name="goalshare_once_per_mentorship"),
        migrations.RemoveConstraint(model_name="goalshare", name="goalshare_once_per_circle"),
        migrations.RenameModel(old_name="GoalShare", new_name="Share"),
        migrations.AlterField(
            model_name="share",
            name="goal",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="shares",
                to="growth.goal",
            ),
        ),
    ]
