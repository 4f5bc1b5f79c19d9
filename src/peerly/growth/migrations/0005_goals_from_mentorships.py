"""Today's free-text mentorship goals become one structured goal each (issue 13).

For every mentorship whose `goals` text is not empty: a Goal of its mentee, linked to its
programme, titled with the text's first line (at most 200 characters), the whole text as "why
it matters", active. A mentorship whose goal is already there (same mentee, programme and
text) is skipped, so running it again adds nothing. Going back keeps the goals (a no-op):
they are the members' own by then, and the mentorship text is left as it was.
"""

from typing import Any

from django.db import migrations

from peerly.core.models import text_lines

TITLE_MAX = 200  # Goal.title's max_length


def migrate_goals(apps: Any) -> int:
    """Create the goals; returns how many (the tests call it with the live app registry)."""
    mentorship_model = apps.get_model("mentorship", "Mentorship")
    goal_model = apps.get_model("growth", "Goal")
    created = 0
    rows = mentorship_model.objects.exclude(goals="").order_by("pk")
    for ms in rows.only("pk", "mentee_id", "program_id", "goals").iterator():
        text = ms.goals.strip()
        if not text:
            continue
        exists = goal_model.objects.filter(
            owner_id=ms.mentee_id, program_id=ms.program_id, why=text
        ).exists()
        if exists:
            continue
        goal_model.objects.create(
            owner_id=ms.mentee_id,
            program_id=ms.program_id,
            title=text_lines(text)[0][:TITLE_MAX],
            why=text,
            status="active",
        )
        created += 1
    return created


def goals_from_mentorships(apps: Any, schema_editor: Any) -> None:
    migrate_goals(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("growth", "0004_growth_space"),
        ("mentorship", "0003_mentorship_settings_plural"),
    ]

    operations = [
        migrations.RunPython(goals_from_mentorships, migrations.RunPython.noop, elidable=True),
    ]
