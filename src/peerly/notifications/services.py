"""Queue and send email. Services call `queue_email`; a background task sends it, once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from peerly.core.tasks import enqueue_on_commit
from peerly.notifications.models import OutboundEmail


def queue_email(
    *,
    key: str,
    to: Any,
    template: str,
    context: Mapping[str, Any],
    attachments: Sequence[Mapping[str, str]] = (),
) -> OutboundEmail | None:
    """Render `emails/<template>.{txt,html}` and queue it under `key`.

    Returns the new email, or None when an email with this key was already queued (so calling
    this twice for the same event never sends twice). `to` is a User or an address.
    """
    address = getattr(to, "email", to)
    user = to if hasattr(to, "email") else None
    ctx = {"site_url": settings.SITE_URL, "recipient": user, **context}
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", ctx).split())
    body_text = render_to_string(f"emails/{template}.txt", ctx)
    body_html = render_to_string(f"emails/{template}.html", ctx)
    with transaction.atomic():
        email, created = OutboundEmail.objects.get_or_create(
            key=key,
            defaults={
                "user": user,
                "to_email": address,
                "subject": subject[:300],
                "body_text": body_text,
                "body_html": body_html,
                "attachments": [dict(a) for a in attachments],
            },
        )
        if not created:
            return None
        from peerly.notifications.tasks import send_email_task

        enqueue_on_commit(send_email_task, email.pk)
    return email


def send_email(*, email_id: int) -> bool:
    """Send one queued email unless it was sent already. Returns True if it was sent now."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.sent_at is not None:
            return False
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to_email],
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        for item in email.attachments:
            message.attach(item["filename"], item["content"], item.get("mimetype"))
        email.attempts += 1
        try:
            message.send()
        except Exception as exc:
            email.last_error = str(exc)[:2000]
            email.save(update_fields=["attempts", "last_error"])
            return False
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "sent_at", "last_error"])
    return True


def send_pending(*, limit: int = 500) -> int:
    """Retry emails that were queued but not sent (used by `peerly tick`)."""
    ids = list(
        OutboundEmail.objects.filter(sent_at__isnull=True, attempts__lt=5)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(send_email(email_id=i) for i in ids)
