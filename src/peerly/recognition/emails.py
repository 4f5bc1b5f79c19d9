"""Every recognition email, one function per event. Services call these inside their
transaction; the outbox key makes each event send once however often it is retried, and
`queue_email` honours the recipient's opt-out of the category (docs/emails.md)."""

from __future__ import annotations

from peerly.notifications.muting import is_muted
from peerly.notifications.services import queue_email
from peerly.recognition.links import absolute
from peerly.recognition.models import Certificate
from peerly.recognition.models import Kudos


def kudos_received(*, kudos: Kudos) -> None:
    if is_muted():
        return
    queue_email(
        key=f"recognition-kudos:{kudos.pk}",
        to=kudos.recipient,
        template="recognition_kudos",
        context={
            "kudos": kudos,
            "sender": kudos.sender,
            "program": kudos.program,
            "url": absolute("mine"),
        },
    )


def certificate_issued(*, certificate: Certificate) -> None:
    if is_muted():
        return
    queue_email(
        key=f"recognition-certificate:{certificate.pk}",
        to=certificate.user,
        template="recognition_certificate",
        context={
            "certificate": certificate,
            "program": certificate.program,
            "url": absolute("certificate", certificate_id=certificate.pk),
        },
    )
