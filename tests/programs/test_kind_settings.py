"""Every kind's settings row shares `KindSettings`: named after its programme, and reading
the group size from the programme (never a copy of it)."""

from __future__ import annotations

import pytest

from peerly.circles.models import CircleSettings
from peerly.mentorship.models import MentorshipSettings
from peerly.programs.models import KindSettings
from peerly.programs.models import Program
from peerly.rounds.models import CoffeeSettings


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (CoffeeSettings, "Coffee settings of Alpha"),
        (CircleSettings, "Circle settings of Alpha"),
        (MentorshipSettings, "Mentorship settings of Alpha"),
    ],
)
def test_settings_rows_name_their_programme_and_read_its_group_size(
    model: type[CoffeeSettings | CircleSettings | MentorshipSettings], name: str
) -> None:
    row: KindSettings = model(program=Program(name="Alpha", group_size=3))
    assert str(row) == name
    assert row.group_size == 3
    row.program.group_size = 4
    assert row.group_size == 4
