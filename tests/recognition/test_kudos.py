"""Kudos: who may send, who sees them, the wall, the email (once)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from peerly.core.errors import ServiceError
from peerly.core.models import AuditEvent
from peerly.notifications.models import OutboundEmail
from peerly.recognition import services
from peerly.recognition.models import KUDOS_MAX_LENGTH
from peerly.recognition.models import Kudos
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


def _wall(p: Personas) -> str:
    return reverse("recognition:wall", kwargs={"slug": p.program.slug})


def test_a_member_thanks_another_and_the_recipient_is_emailed_once(personas: Personas) -> None:
    p = personas
    kudos = services.send_kudos(
        sender=p.member, program=p.program, recipient=p.other_member, message="  Your notes!  "
    )
    assert kudos.message == "Your notes!"
    assert not kudos.is_public
    emails = OutboundEmail.objects.filter(key=f"recognition-kudos:{kudos.pk}")
    assert [e.user_id for e in emails] == [p.other_member.pk]
    assert "Your notes!" in emails[0].body_text
    from peerly.recognition import emails as recognition_emails

    recognition_emails.kudos_received(kudos=kudos)  # a retry of the same event
    assert OutboundEmail.objects.filter(key=f"recognition-kudos:{kudos.pk}").count() == 1
    row = AuditEvent.objects.get(action="recognition.kudos_sent")
    assert row.program_id is None  # the members' own text: not filed under the programme
    assert "Your notes" not in str(row.data)


def test_an_opted_out_recipient_is_not_mailed(personas: Personas) -> None:
    from peerly.notifications.categories import Category
    from peerly.notifications.models import EmailOptOut

    EmailOptOut.objects.create(user=personas.other_member, category=Category.ANNOUNCEMENTS)
    kudos = services.send_kudos(
        sender=personas.member,
        program=personas.program,
        recipient=personas.other_member,
        message="Thanks",
    )
    email = OutboundEmail.objects.get(key=f"recognition-kudos:{kudos.pk}")
    assert email.skipped_at is not None and email.sent_at is None


@pytest.mark.parametrize(
    ("who", "to", "message", "error"),
    [
        ("member", "member", "hi", ServiceError),  # oneself
        ("member", "outsider", "hi", ServiceError),  # not a member
        ("outsider", "member", "hi", PermissionDenied),
        ("member", "other_member", "   ", ServiceError),
        ("member", "other_member", "x" * (KUDOS_MAX_LENGTH + 1), ServiceError),
    ],
)
def test_refused_kudos_change_nothing(
    personas: Personas, who: str, to: str, message: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        services.send_kudos(
            sender=personas.get(who),  # type: ignore[arg-type]
            program=personas.program,
            recipient=personas.get(to),  # type: ignore[arg-type]
            message=message,
        )
    assert not Kudos.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_the_wall_shows_only_public_kudos_to_members_only(personas: Personas) -> None:
    p = personas
    private = services.send_kudos(
        sender=p.member, program=p.program, recipient=p.other_member, message="PRIVATE-THANKS"
    )
    public = services.send_kudos(
        sender=p.other_member, program=p.program, recipient=p.member, message="PUBLIC-THANKS"
    )
    with pytest.raises(PermissionDenied):
        services.set_kudos_public(kudos=public, actor=p.other_member, public=True)  # the sender
    services.set_kudos_public(kudos=public, actor=p.member, public=True)
    for name in ("member", "other_member", "organiser", "admin"):
        body = p.client(name).get(_wall(p)).content.decode()
        assert "PUBLIC-THANKS" in body, name
        assert "PRIVATE-THANKS" not in body, name
    assert p.client("outsider").get(_wall(p)).status_code == 404
    assert p.client("other_organiser").get(_wall(p)).status_code == 404
    response = p.client("anonymous").get(_wall(p))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # taking it back takes it off the wall
    services.set_kudos_public(kudos=public, actor=p.member, public=False)
    assert "PUBLIC-THANKS" not in p.client("other_member").get(_wall(p)).content.decode()
    assert private.pk  # the private one was never shown


def test_sending_kudos_through_the_page(personas: Personas) -> None:
    p = personas
    url = reverse("recognition:kudos-new", kwargs={"slug": p.program.slug})
    client = p.client("member")
    page = client.get(url)
    assert page.status_code == 200
    assert p.other_member.name in page.content.decode()
    assert p.outsider.name not in page.content.decode()
    response = client.post(url, {"recipient": p.other_member.pk, "message": "Thanks for the intro"})
    assert response.status_code == 302
    assert Kudos.objects.get().recipient == p.other_member
    # bad input: 400, never 500, nothing saved
    for data in (
        {"recipient": p.member.pk, "message": "me"},  # oneself is not offered
        {"recipient": "abc", "message": "x"},
        {"recipient": p.other_member.pk, "message": ""},
        {"recipient": p.other_member.pk, "message": "x" * 5000},
        {},
    ):
        assert client.post(url, data).status_code == 400, data
    assert Kudos.objects.count() == 1
    assert (
        p.client("outsider").post(url, {"recipient": p.member.pk, "message": "x"}).status_code
        == 404
    )


def test_only_the_recipient_toggles_a_kudos(personas: Personas) -> None:
    p = personas
    kudos = services.send_kudos(
        sender=p.member, program=p.program, recipient=p.other_member, message="Thanks"
    )
    url = reverse("recognition:kudos-public", kwargs={"kudos_id": kudos.pk})
    for name in ("member", "organiser", "admin", "outsider"):
        assert p.client(name).post(url, {"value": "1"}).status_code == 404, name
    assert p.client("other_member").post(url, {"value": "1"}).status_code == 302
    kudos.refresh_from_db()
    assert kudos.is_public
    url = reverse("recognition:kudos-testimonial", kwargs={"kudos_id": kudos.pk})
    assert p.client("other_member").post(url, {"value": "1"}).status_code == 302
    kudos.refresh_from_db()
    assert kudos.is_testimonial
    # private again: no longer a testimonial either
    services.set_kudos_public(kudos=kudos, actor=p.other_member, public=False)
    kudos.refresh_from_db()
    assert not kudos.is_testimonial
    with pytest.raises(ServiceError):
        services.set_kudos_testimonial(kudos=kudos, actor=p.other_member, shared=True)


def test_my_recognition_page_lists_what_i_received(personas: Personas) -> None:
    p = personas
    services.send_kudos(
        sender=p.member, program=p.program, recipient=p.other_member, message="KUDOS-FOR-NOOR"
    )
    body = p.client("other_member").get(reverse("recognition:mine")).content.decode()
    assert "KUDOS-FOR-NOOR" in body
    assert (
        "KUDOS-FOR-NOOR"
        not in p.client("organiser").get(reverse("recognition:mine")).content.decode()
    )
