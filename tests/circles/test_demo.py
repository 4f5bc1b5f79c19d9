"""The demo leaves the circle programme mid-season with real history."""

from __future__ import annotations

import pytest

from peerly.circles.models import Attendance
from peerly.circles.models import Block
from peerly.circles.models import Circle
from peerly.circles.models import CircleSession
from peerly.growth.models import ActionItem
from peerly.programs.demo import MEMBER_EMAIL
from peerly.programs.demo import build_demo
from peerly.programs.models import Program

pytestmark = pytest.mark.django_db


def test_demo_circles_mid_season_with_the_demo_member():
    build_demo(seed=0)
    program = Program.objects.get(kind="circle")
    circles = Circle.objects.filter(program=program)
    assert circles.count() >= 5
    assert not circles.filter(slot_minute__isnull=True).exists()
    mine = circles.get(memberships__user__email=MEMBER_EMAIL)
    held = CircleSession.objects.filter(circle=mine, status="held")
    assert held.count() >= 3
    assert Block.objects.filter(session__circle=mine).count() >= 9
    assert Attendance.objects.filter(session__circle=mine).exists()
    assert ActionItem.objects.filter(circle=mine, owner__email=MEMBER_EMAIL).exists()
    assert CircleSession.objects.filter(circle=mine, status="scheduled").exists()
    assert mine.memberships.count() in (3, 4)


def test_demo_circles_come_through_the_services_audited_and_silent():
    from peerly.core.models import AuditEvent
    from peerly.notifications.models import OutboundEmail

    build_demo(seed=0)
    program = Program.objects.get(kind="circle")
    actions = set(AuditEvent.objects.filter(program_id=program.pk).values_list("action", flat=True))
    assert {
        "circles.settings_create",
        "circles.season.publish",
        "circles.slot.vote",
        "circles.slot.decide",
        "circles.session.attendance",
        "circles.block.save",
        "growth.action_status",  # a circle action, filed under its programme
    } <= actions
    held = CircleSession.objects.filter(circle__program=program, status="held").count()
    assert AuditEvent.objects.filter(action="circles.session.attendance").count() == held
    assert not OutboundEmail.objects.filter(key__startswith="circles-").exists()
