"""The demo's recognition (recognition/demo.py), in the coffee programme: public kudos on the
wall (one to the demo member), badge rules switched on and a badge the demo member earned, a
certificate whose verification link works, and a published celebration with a testimonial;
through the services (audited), silent, and the same for the same seed."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection
from django.db import transaction
from django.test import Client
from django.urls import reverse

from peerly.accounts.models import User
from peerly.core.models import AuditEvent
from peerly.notifications.models import OutboundEmail
from peerly.programs import demo
from peerly.programs.demo import build_demo
from peerly.programs.models import Program
from peerly.recognition import selectors
from peerly.recognition import services
from peerly.recognition.models import Badge
from peerly.recognition.models import BadgeAward
from peerly.recognition.models import Celebration
from peerly.recognition.models import Certificate
from peerly.recognition.models import Kudos
from peerly.recognition.models import Testimonial as Quote  # not "Test…": pytest collects

pytestmark = pytest.mark.django_db


def _people() -> tuple[User, User, Program]:
    return (
        User.objects.get(email=demo.ORGANISER_EMAIL),
        User.objects.get(email=demo.MEMBER_EMAIL),
        Program.objects.get(kind="coffee"),
    )


def test_demo_kudos_are_on_the_coffee_wall_one_to_the_member():
    build_demo(members=12, seed=1)
    _organiser, member, coffee = _people()
    wall = list(selectors.list_wall(program=coffee))
    assert len(wall) >= 3
    assert any(k.recipient == member for k in wall)
    client = Client()
    client.force_login(member)
    page = client.get(reverse("recognition:wall", kwargs={"slug": coffee.slug}))
    assert page.status_code == 200
    assert Kudos.objects.filter(recipient=member).get().message[:30] in page.content.decode()


def test_demo_badge_rule_is_on_and_the_member_earned_a_badge():
    build_demo(members=12, seed=1)
    _organiser, member, coffee = _people()
    assert Badge.FIRST_MEETING in services.settings_for(coffee).rules
    award = BadgeAward.objects.get(program=coffee, user=member, badge=Badge.FIRST_MEETING)
    assert award.source == "rule"


def test_demo_member_has_a_certificate_with_a_working_verification_link():
    build_demo(members=12, seed=1)
    _organiser, member, coffee = _people()
    certificate = Certificate.objects.get(user=member, program=coffee)
    assert certificate.is_valid
    client = Client()
    client.force_login(member)
    mine = client.get(reverse("recognition:mine"))
    assert mine.status_code == 200
    verify = reverse("recognition:verify", kwargs={"code": certificate.code})
    assert (
        verify in mine.content.decode()
        or reverse("recognition:certificate", kwargs={"certificate_id": certificate.pk})
        in mine.content.decode()
    )
    page = Client().get(verify)  # anybody, not signed in
    assert page.status_code == 200 and member.display_name in page.content.decode()


def test_demo_celebration_is_published_with_a_testimonial():
    build_demo(members=12, seed=1)
    _organiser, member, coffee = _people()
    celebration = Celebration.objects.get(program=coffee)
    testimonial = Quote.objects.get(program=coffee)
    assert testimonial.author == member
    assert ["testimonial", testimonial.pk] in celebration.quotes
    assert celebration.figures["certificates"] >= 1 and celebration.figures["kudos"] >= 3
    latest = selectors.latest_celebration(program=coffee)
    assert latest is not None and latest[0] == celebration and latest[1]


def test_demo_recognition_is_audited_and_silent():
    build_demo(members=12, seed=1)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "recognition.kudos_sent",
        "recognition.kudos_public",
        "recognition.settings_updated",
        "recognition.badge_awarded",
        "recognition.certificate_issued",
        "recognition.testimonial_added",
        "recognition.celebration_published",
    } <= actions
    assert AuditEvent.objects.filter(action="recognition.kudos_sent").count() == (
        Kudos.objects.count()
    )
    assert not OutboundEmail.objects.filter(key__startswith="recognition-").exists()


def _rewind_sequences() -> None:
    """Every id sequence back to its table's highest id, as in a fresh database: PostgreSQL
    does not roll sequences back (the demo's draws, like the real ones, depend on ids)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)


def _signature() -> dict[str, Any]:
    """What the demo's recognition holds, apart from the random verification codes."""
    _rewind_sequences()
    with transaction.atomic():
        build_demo(members=12, seed=1)
        signature = {
            "kudos": sorted(
                Kudos.objects.values_list(
                    "sender__email", "recipient__email", "message", "is_public"
                )
            ),
            "badges": sorted(BadgeAward.objects.values_list("user__email", "badge", "visibility")),
            "certificates": sorted(Certificate.objects.values_list("user__email", "achievement")),
            "celebrations": list(Celebration.objects.values_list("title", "figures")),
        }
        transaction.set_rollback(True)
    return signature


def test_demo_recognition_is_the_same_for_the_same_seed():
    first = _signature()
    assert first["kudos"] and first["badges"] and first["certificates"]
    assert _signature() == first
