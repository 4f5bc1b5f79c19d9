"""Certificates of completion: issued once per completion for every kind, printable page and
PDF for the holder and organisers, a verification link anyone can open (404 for anything
that is not a code), revocable."""

from __future__ import annotations

import datetime as dt
import re
import zlib

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from peerly.core.management.commands.tick import run_ticks
from peerly.core.models import AuditEvent
from peerly.notifications.models import OutboundEmail
from peerly.recognition import services
from peerly.recognition.models import Certificate
from peerly.recognition.models import Completion
from peerly.recognition.pdf import certificate_pdf
from tests.conftest import Personas
from tests.recognition.conftest import met_rounds

pytestmark = pytest.mark.django_db


def _coffee_certificate(p: Personas, switch_on) -> Certificate:  # type: ignore[no-untyped-def]
    met_rounds(p.program, [(p.member, p.other_member)] * 3)
    switch_on(p.program, certificates=True, coffee_rounds_for_certificate=3)
    services.issue_due_certificates(program=p.program)
    return Certificate.objects.get(user=p.member)


def test_coffee_certificates_are_issued_once_by_the_tick(personas: Personas, switch_on) -> None:  # type: ignore[no-untyped-def]
    p = personas
    met_rounds(p.program, [(p.member, p.other_member)] * 2)
    switch_on(p.program, certificates=True, coffee_rounds_for_certificate=3)
    assert run_ticks()["recognition.certificates"] == 0  # two rounds are not three
    met_rounds(p.program, [(p.member, p.outsider)], start=3)  # the outsider is no member
    assert run_ticks()["recognition.certificates"] == 1
    assert run_ticks()["recognition.certificates"] == 0
    cert = Certificate.objects.get()
    assert (cert.user, cert.completion) == (p.member, Completion.COFFEE_ROUNDS)
    assert cert.starts_on < cert.ends_on
    assert len(cert.code) >= 32 and not cert.code.isdigit()
    assert OutboundEmail.objects.filter(key=f"recognition-certificate:{cert.pk}").count() == 1
    assert AuditEvent.objects.filter(action="recognition.certificate_issued").count() == 1


def test_circle_season_certificates(circle_world, switch_on) -> None:  # type: ignore[no-untyped-def]
    w = circle_world
    switch_on(w.program, certificates=True)
    assert services.issue_due_certificates(program=w.program) == 2
    certs = {c.user_id: c for c in Certificate.objects.all()}
    assert set(certs) == {w.ann.pk, w.ben.pk}  # cleo was at none of the sessions
    cert = certs[w.ann.pk]
    assert (cert.starts_on, cert.ends_on) == (w.season.starts_on, w.season.ends_on)
    assert "2 of 2 sessions" in cert.achievement
    assert services.issue_due_certificates(program=w.program) == 0


def test_mentorship_term_certificates(world, switch_on) -> None:  # type: ignore[no-untyped-def]
    ms = world.reach("active")
    switch_on(world.program, certificates=True)
    assert services.issue_due_certificates(program=world.program) == 0  # the term runs
    ms.refresh_from_db()
    after = dt.datetime.combine(ms.term_ends_on, dt.time(12), tzinfo=dt.UTC) + dt.timedelta(days=1)
    with time_machine.travel(after, tick=False):
        assert services.issue_due_certificates(program=world.program) == 1
    cert = Certificate.objects.get()
    assert cert.user == world.mentee and cert.completion == Completion.TERM
    assert world.mentor.user.name in cert.achievement


def test_the_holder_and_organisers_open_the_page_and_pdf(personas: Personas, switch_on) -> None:  # type: ignore[no-untyped-def]
    p = personas
    cert = _coffee_certificate(p, switch_on)
    page = reverse("recognition:certificate", kwargs={"certificate_id": cert.pk})
    pdf = reverse("recognition:certificate-pdf", kwargs={"certificate_id": cert.pk})
    for name, status in {
        "member": 200,
        "organiser": 200,
        "admin": 200,
        "other_member": 404,
        "outsider": 404,
        "other_organiser": 404,
    }.items():
        assert p.client(name).get(page).status_code == status, name
        assert p.client(name).get(pdf).status_code == status, name
    assert p.client("anonymous").get(page).status_code == 302
    response = p.client("member").get(pdf)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    body = p.client("member").get(page).content.decode()
    assert cert.code in body and p.member.name in body


def _pdf_text(data: bytes) -> bytes:
    """The page content of a PDF, inflated if compressed."""
    out = data
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out += zlib.decompress(stream)
        except zlib.error:
            continue
    return out


def test_the_pdf_holds_the_name_programme_and_link(personas: Personas, switch_on) -> None:  # type: ignore[no-untyped-def]
    p = personas
    cert = _coffee_certificate(p, switch_on)
    data = certificate_pdf(cert, verify_url="http://testserver/v/abc", compress=False)
    assert data.startswith(b"%PDF")
    assert p.member.name.encode() in data
    assert p.program.name.encode() in data
    assert b"http://testserver/v/abc" in data
    compressed = certificate_pdf(cert, verify_url="http://testserver/v/abc")
    assert p.member.name.encode() in _pdf_text(compressed)


def test_hostile_names_do_not_break_the_pdf(personas: Personas, switch_on) -> None:  # type: ignore[no-untyped-def]
    p = personas
    cert = _coffee_certificate(p, switch_on)
    p.member.display_name = "Zoë (李) <b>x</b> \\ ) ( 🎉 O'Brien"
    p.member.save()
    cert.refresh_from_db()
    assert certificate_pdf(cert, verify_url="http://x/").startswith(b"%PDF")


def test_verification_works_logged_out_and_shows_only_the_basics(
    personas: Personas,
    switch_on,  # type: ignore[no-untyped-def]
) -> None:
    p = personas
    cert = _coffee_certificate(p, switch_on)
    url = reverse("recognition:verify", kwargs={"code": cert.code})
    response = p.client("anonymous").get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert p.member.name in body and p.program.name in body and "Valid" in body
    assert p.member.email not in body
    assert cert.achievement not in body  # only name, programme, dates and validity
    services.revoke_certificate(certificate=cert, actor=p.organiser, reason="Mistake")
    body = p.client("anonymous").get(url).content.decode()
    assert "Revoked" in body and "Mistake" not in body
    services.revoke_certificate(certificate=cert, actor=p.organiser)  # again: no-op
    assert AuditEvent.objects.filter(action="recognition.certificate_revoked").count() == 1


@pytest.mark.parametrize(
    "code",
    [
        "1",
        "a" * 32,
        "%00",
        "x" * 5000,
        "../../etc",
        "DROP TABLE",
    ],
)
def test_unknown_or_malformed_codes_are_404(personas: Personas, code: str) -> None:
    response = personas.client("anonymous").get(f"/recognition/verify/{code}/")
    assert response.status_code in (400, 404)


def test_only_organisers_revoke(personas: Personas, switch_on) -> None:  # type: ignore[no-untyped-def]
    p = personas
    cert = _coffee_certificate(p, switch_on)
    url = reverse("recognition:certificate-revoke", kwargs={"certificate_id": cert.pk})
    assert p.client("member").post(url).status_code == 403
    assert p.client("other_member").post(url).status_code == 404
    assert p.client("outsider").post(url).status_code == 404
    with pytest.raises(PermissionDenied):
        services.revoke_certificate(certificate=cert, actor=p.member)
    assert p.client("organiser").post(url, {"reason": "x" * 400}).status_code == 400
    cert.refresh_from_db()
    assert cert.revoked_at is None
    assert p.client("organiser").post(url, {"reason": "Issued by mistake"}).status_code == 302
    cert.refresh_from_db()
    assert cert.revoked_at is not None and cert.revoked_by == p.organiser


def test_issue_now_needs_certificates_switched_on(personas: Personas, switch_on) -> None:  # type: ignore[no-untyped-def]
    p = personas
    url = reverse("recognition:issue", kwargs={"slug": p.program.slug})
    met_rounds(p.program, [(p.member, p.other_member)] * 5)
    p.client("organiser").post(url)
    assert not Certificate.objects.exists()
    switch_on(p.program, certificates=True)
    assert p.client("member").post(url).status_code == 403
    assert p.client("organiser").post(url).status_code == 302
    assert Certificate.objects.count() == 2
    assert timezone.now() >= Certificate.objects.first().issued_at  # type: ignore[union-attr]
