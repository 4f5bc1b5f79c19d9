"""Queue and send email. Services call `queue_email`; a background task sends it, once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import make_msgid
from django.db import transaction
from django.utils import timezone

from peerly.core import audit
from peerly.core.tasks import enqueue_on_commit
from peerly.notifications.categories import OPTIONAL, WHY, Category, category_for
from peerly.notifications.links import message_id_domain, settings_url, unsubscribe_url
from peerly.notifications.messages import PeerlyEmailMessage
from peerly.notifications.models import EmailOptOut, OutboundEmail
from peerly.notifications.rendering import render_email


def queue_email(
    *,
    key: str,
    to: Any,
    template: str,
    context: Mapping[str, Any],
    attachments: Sequence[Mapping[str, str]] = (),
) -> OutboundEmail | None:
    """Render `emails/<template>{_subject.txt,.txt,.html}` and queue it under `key`.

    Returns the new email, or None when an email with this key was already queued (so calling
    this twice for the same event never sends twice). `to` is a User or an address. When the
    user opted out of the template's category the email is recorded as skipped (returned,
    with `skipped_at` set) and never sent.
    """
    address = getattr(to, "email", to)
    user = to if hasattr(to, "email") else None
    category = category_for(template)
    link = ""  # no link for security emails, nor for an address without an account
    if user is not None and category in OPTIONAL:
        link = unsubscribe_url(user_id=user.pk, category=category)
    ctx = {
        "site_url": settings.SITE_URL,
        "recipient": user,
        "email_category": category.label,
        "email_why": WHY[category],
        "unsubscribe_url": link,
        "settings_url": settings_url(),
        **context,
    }
    rendered = render_email(template=template, context=ctx)
    with transaction.atomic():
        opted_out = bool(link) and EmailOptOut.objects.filter(user=user, category=category).exists()
        email, created = OutboundEmail.objects.get_or_create(
            key=key,
            defaults={
                "user": user,
                "to_email": address,
                "subject": rendered.subject[:300],
                "body_text": rendered.body_text,
                "body_html": rendered.body_html,
                "attachments": [dict(a) for a in attachments],
                "category": category,
                "skipped_at": timezone.now() if opted_out else None,
            },
        )
        if not created:
            return None
        if opted_out:
            return email
        from peerly.notifications.tasks import send_email_task

        enqueue_on_commit(send_email_task, email.pk)
    return email


def send_email(*, email_id: int) -> bool:
    """Send one queued email unless it was sent already. Returns True if it was sent now."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.sent_at is not None or email.skipped_at is not None:
            return False
        if _is_opted_out(email):  # opted out after it was queued
            email.skipped_at = timezone.now()
            email.save(update_fields=["skipped_at"])
            return False
        message = PeerlyEmailMessage(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to_email],
            headers=email_headers(email),
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
        OutboundEmail.objects.filter(sent_at__isnull=True, skipped_at__isnull=True, attempts__lt=5)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(send_email(email_id=i) for i in ids)


def _is_opted_out(email: OutboundEmail) -> bool:
    return (
        email.user_id is not None
        and email.category in OPTIONAL
        and EmailOptOut.objects.filter(user_id=email.user_id, category=email.category).exists()
    )


def email_headers(email: OutboundEmail) -> dict[str, str]:
    """Headers every outgoing email carries (RFC 3834 Auto-Submitted; RFC 8058 one-click
    unsubscribe for every category but security, and only when there is a user to opt out)."""
    headers = {
        "Message-ID": make_msgid(idstring=f"peerly-{email.pk}", domain=message_id_domain()),
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "OOF, AutoReply",  # no out-of-office replies
    }
    if email.user_id is not None and email.category in OPTIONAL:
        url = unsubscribe_url(user_id=email.user_id, category=email.category)
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def unsubscribe(*, user_id: int, category: str) -> EmailOptOut | None:
    """Record that the user wants no more `category` emails. Idempotent and race-safe (the
    unique constraint decides); audited once. None when the user no longer exists."""
    category = Category(category)
    if category not in OPTIONAL:
        raise ValueError(f"{category} emails cannot be turned off")
    with transaction.atomic():
        user = get_user_model().objects.filter(pk=user_id).first()
        if user is None:
            return None
        opt_out, created = EmailOptOut.objects.get_or_create(user=user, category=category)
        if created:
            audit.record(
                actor=user, action="email.unsubscribe", obj=opt_out, data={"category": category}
            )
    return opt_out
