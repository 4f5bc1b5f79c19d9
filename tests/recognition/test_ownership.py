"""The member's export holds their recognition; deleting the account removes it and revokes
their certificates."""

from __future__ import annotations

import pytest

from peerly.accounts import ownership
from peerly.recognition import services
from peerly.recognition.models import Badge
from peerly.recognition.models import BadgeAward
from peerly.recognition.models import Certificate
from peerly.recognition.models import Kudos
from tests.conftest import Personas
from tests.recognition.conftest import met_rounds

pytestmark = pytest.mark.django_db


def test_export_and_deletion(personas: Personas, switch_on) -> None:  # type: ignore[no-untyped-def]
    p = personas
    services.send_kudos(
        sender=p.member, program=p.program, recipient=p.other_member, message="K-OUT"
    )
    services.send_kudos(
        sender=p.other_member, program=p.program, recipient=p.member, message="K-IN"
    )
    services.award_badge(
        program=p.program, user=p.member, badge=Badge.RECOGNISED, source="organiser"
    )
    met_rounds(p.program, [(p.member, p.other_member)] * 5)
    switch_on(p.program, certificates=True)
    services.issue_due_certificates(program=p.program)
    data = ownership.export_user_data(user=p.member)
    assert [k["message"] for k in data["kudos_sent"]] == ["K-OUT"]
    assert [k["message"] for k in data["kudos_received"]] == ["K-IN"]
    assert [b["badge"] for b in data["badges"]] == [Badge.RECOGNISED]
    assert len(data["certificates"]) == 1
    # the other member's export does not carry the member's badge
    assert ownership.export_user_data(user=p.other_member)["badges"] == []
    ownership.delete_account(user=p.member)
    assert not Kudos.objects.filter(sender=p.member).exists()
    assert not Kudos.objects.filter(recipient=p.member).exists()
    assert not BadgeAward.objects.filter(user=p.member).exists()
    cert = Certificate.objects.get(user=p.member)
    assert cert.revoked_at is not None
    assert Certificate.objects.get(user=p.other_member).revoked_at is None
