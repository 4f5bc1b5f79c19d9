"""The mentorship world (a programme with two mentors and two mentees) for the sharing tests."""

from tests.circles.conftest import add_members  # noqa: F401 (a fixture)
from tests.circles.conftest import organiser  # noqa: F401 (a fixture)
from tests.circles.conftest import program  # noqa: F401 (a fixture)
from tests.circles.conftest import publish  # noqa: F401 (a fixture)
from tests.circles.conftest import scheduled_circle  # noqa: F401 (a fixture)
from tests.mentorship.conftest import reach  # noqa: F401 (a fixture)
from tests.mentorship.conftest import world  # noqa: F401 (a fixture)
