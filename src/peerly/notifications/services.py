"""Queue and send email. Services call `queue_email`; a background task sends it, once."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import make_msgid
from django.db import transaction
from django.utils import timezone
from django.utils import translation

from peerly.core import audit
from peerly.core.i18n import language_for
from peerly.core.jobs import fewer_collections
from peerly.core.links import absolute_url
from peerly.core.tasks import enqueue_on_commit
from peerly.notifications.attachments import content_of
from peerly.notifications.categories import OPTIONAL
from peerly.notifications.categories import WHY
from peerly.notifications.categories import Category
from peerly.notifications.categories import category_for
from peerly.notifications.links import message_id_domain
from peerly.notifications.links import settings_url
from peerly.notifications.links import unsubscribe_signer
from peerly.notifications.links import unsubscribe_token
from peerly.notifications.links import unsubscribe_url
from peerly.notifications.messages import PeerlyEmailMessage
from peerly.notifications.models import EmailOptOut
from peerly.notifications.models import OutboundEmail
from peerly.notifications.rendering import EmailTemplate
from peerly.notifications.rendering import render_email


def _can_opt_out(user: Any, category: Category) -> bool:
    """No opt-out (nor its link) for security emails, nor for an address without an account."""
    return user is not None and category in OPTIONAL


def _email_context(
    user: Any,
    category: Category,
    context: Mapping[str, Any],
    *,
    settings_link: str = "",
    unsubscribe_link: Callable[..., str] = unsubscribe_url,
) -> dict[str, Any]:
    """What every email template sees, plus the caller's `context`. `settings_link`: the
    notification settings URL when the caller already has it (the same for every email);
    `unsubscribe_link`: how to make unsubscribe links (`unsubscribe_url`, or a batch's)."""
    link = (
        unsubscribe_link(user_id=user.pk, category=category) if _can_opt_out(user, category) else ""
    )
    return {
        "site_url": settings.SITE_URL,
        "recipient": user,
        "email_category": category.label,
        "email_why": WHY[category],
        "unsubscribe_url": link,
        "settings_url": settings_link or settings_url(),
        **context,
    }


_TOKEN_STAND_IN = "peerly-token-stand-in"  # noqa: S105 - not a secret
_PLAIN_TOKEN = re.compile(r"[A-Za-z0-9._:-]+")  # what a URL path keeps as it is


def _unsubscribe_links() -> Callable[..., str]:
    """`unsubscribe_url` for a batch: the page's URL reversed once, each signed token put in
    (a token is letters, digits and `._:-`, which `reverse` leaves as they are)."""
    pattern = absolute_url("notifications:unsubscribe", token=_TOKEN_STAND_IN)
    signer = unsubscribe_signer()

    def link(*, user_id: int, category: str) -> str:
        token = unsubscribe_token(user_id=user_id, category=category, signer=signer)
        if not _PLAIN_TOKEN.fullmatch(token):
            return unsubscribe_url(user_id=user_id, category=category)
        return pattern.replace(_TOKEN_STAND_IN, token)

    return link


def _row_fields(
    user: Any,
    address: str,
    rendered: Any,
    attachments: Sequence[Mapping[str, Any]],
    category: Category,
    skipped_at: Any,
) -> dict[str, Any]:
    """The columns of one outbox row (everything but its key), for queue_email(s)."""
    return {
        "user": user,
        "to_email": address,
        "subject": rendered.subject[:300],
        "body_text": rendered.body_text,
        "body_html": rendered.body_html,
        "attachments": [dict(a) for a in attachments],
        "category": category,
        "skipped_at": skipped_at,
    }


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
    with `skipped_at` set) and never sent. Many emails of one event: `queue_emails`.
    """
    address = getattr(to, "email", to)
    user = to if hasattr(to, "email") else None
    category = category_for(template)
    ctx = _email_context(user, category, context)
    with translation.override(language_for(user)):  # the recipient's language
        rendered = render_email(template=template, context=ctx)
    with transaction.atomic():
        opted_out = (
            _can_opt_out(user, category)
            and EmailOptOut.objects.filter(user=user, category=category).exists()
        )
        email, created = OutboundEmail.objects.get_or_create(
            key=key,
            defaults=_row_fields(
                user,
                address,
                rendered,
                attachments,
                category,
                timezone.now() if opted_out else None,
            ),
        )
        if not created:
            return None
        if opted_out:
            return email
        from peerly.notifications.tasks import send_email_task

        enqueue_on_commit(send_email_task, email.pk)
    return email


@dataclass(frozen=True)
class EmailToQueue:
    """One email for `queue_emails`: the same arguments as `queue_email`."""

    key: str
    to: Any  # a User or an address
    template: str
    context: Mapping[str, Any]
    attachments: Sequence[Mapping[str, Any]] = ()


def programme_email(
    key: str, to: Any, template: str, *, program: Any, url: str, **context: Any
) -> EmailToQueue:
    """An `EmailToQueue` about `program` pointing to `url` (the page the email is about): what
    every programme's member emails have in common; `context` adds the rest."""
    return EmailToQueue(
        key=key, to=to, template=template, context={"program": program, "url": url, **context}
    )


QUEUE_BATCH = 500  # emails rendered, inserted and handed to one send task at a time


def _batches(items: Iterable[EmailToQueue], size: int) -> Iterator[list[EmailToQueue]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def queue_emails(
    emails: Iterable[EmailToQueue],
    *,
    batch_size: int = QUEUE_BATCH,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """`queue_email` for many emails at once (a round's or a season's announcement).

    Same guarantees: once per key (keys already queued are skipped before anything is
    rendered, and the unique key is the backstop against a concurrent run), opt-outs recorded
    as skipped. In batches of `batch_size`: each template is loaded once per call, the
    opt-outs and known keys are read with one query per batch, the rows are inserted with one
    `bulk_create`, and each batch is sent by ONE background task (after commit). Safe to run
    again after an interruption: what was queued stays queued, the rest is added. Returns how
    many emails were new. `on_batch(n)` after each batch: n emails handled so far."""
    templates: dict[str, EmailTemplate] = {}
    count = handled = 0
    with fewer_collections():  # many live objects: see core.jobs.fewer_collections
        for batch in _batches(emails, batch_size):
            count += _queue_batch(batch, templates)
            handled += len(batch)
            if on_batch is not None:
                on_batch(handled)
    return count


def _queue_batch(batch: list[EmailToQueue], templates: dict[str, EmailTemplate]) -> int:
    from peerly.notifications.tasks import send_emails_task

    known = set(
        OutboundEmail.objects.filter(key__in=[e.key for e in batch]).values_list("key", flat=True)
    )
    fresh: dict[str, EmailToQueue] = {}
    for item in batch:
        if item.key not in known and item.key not in fresh:
            fresh[item.key] = item
    if not fresh:
        return 0
    user_ids = {item.to.pk for item in fresh.values() if hasattr(item.to, "email")}
    opted_out = set(
        EmailOptOut.objects.filter(user_id__in=user_ids).values_list("user_id", "category")
    )
    now = timezone.now()
    settings_link = settings_url()  # once per batch, not once per email
    unsubscribe_link = _unsubscribe_links()
    sender_language = language_for(None)  # for a bare address: the language active here
    rows = []
    with _languages() as use_language:
        for item in fresh.values():
            rows.append(
                _outbox_row(
                    item,
                    templates,
                    opted_out=opted_out,
                    now=now,
                    settings_link=settings_link,
                    unsubscribe_link=unsubscribe_link,
                    sender_language=sender_language,
                    use_language=use_language,
                )
            )
    with transaction.atomic():
        OutboundEmail.objects.bulk_create(rows, ignore_conflicts=True)
        to_send = list(
            OutboundEmail.objects.filter(
                key__in=list(fresh), sent_at__isnull=True, skipped_at__isnull=True
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if to_send:
            enqueue_on_commit(send_emails_task, to_send)
    return len(rows)


def _outbox_row(
    item: EmailToQueue,
    templates: dict[str, EmailTemplate],
    *,
    opted_out: set[tuple[int, str]],
    now: Any,
    settings_link: str,
    unsubscribe_link: Callable[..., str],
    sender_language: str,
    use_language: Callable[[str], None],
) -> OutboundEmail:
    """`item` rendered in its recipient's language (a user's own; the sender's for a bare
    address), as an unsaved outbox row, skipped when the user opted out of its category."""
    user = item.to if hasattr(item.to, "email") else None
    category = category_for(item.template)
    ctx = _email_context(
        user,
        category,
        item.context,
        settings_link=settings_link,
        unsubscribe_link=unsubscribe_link,
    )
    if item.template not in templates:
        templates[item.template] = EmailTemplate.load(item.template)
    use_language(sender_language if user is None else language_for(user))
    rendered = templates[item.template].render(ctx)
    skipped = (
        user is not None and _can_opt_out(user, category) and (user.pk, category.value) in opted_out
    )
    address = getattr(item.to, "email", item.to)
    fields = _row_fields(
        user, address, rendered, item.attachments, category, now if skipped else None
    )
    return OutboundEmail(key=item.key, **fields)


@contextlib.contextmanager
def _languages() -> Iterator[Callable[[str], None]]:
    """`use(code)` makes `code` the active language until the next `use` or the end of the
    block, which restores the language active before it: as one `translation.override` per
    email, but switching only when the language changes (most of a batch shares one)."""
    active: list[str] = []
    with contextlib.ExitStack() as stack:

        def use(code: str) -> None:
            if active != [code]:
                stack.close()  # back to the language before the block …
                stack.enter_context(translation.override(code))  # … then this one
                active[:] = [code]

        yield use


def send_email(*, email_id: int, attachment_cache: dict[str, str] | None = None) -> bool:
    """Send one queued email unless it was sent already. Returns True if it was sent now.
    `attachment_cache`: rendered attachments shared by a batch (a group's calendar files are
    made once for all its members)."""
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
        email.attempts += 1
        try:
            for item in email.attachments:  # rendered now if it names a renderer
                message.attach(
                    item["filename"], content_of(item, cache=attachment_cache), item.get("mimetype")
                )
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
    """Retry emails that were queued but not sent (used by `peerly tick`): handed to the
    workers in batches of 100 (`send_emails_task`; the immediate backend sends them here), so
    a tick after a large publish does not send hundreds of emails itself. A batch that is
    also still in the queue is harmless: `send_email` sends each email once. Returns how many
    were handed over."""
    from peerly.notifications.tasks import send_emails_task

    ids = list(
        OutboundEmail.objects.filter(sent_at__isnull=True, skipped_at__isnull=True, attempts__lt=5)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for start in range(0, len(ids), 100):
        send_emails_task.enqueue(ids[start : start + 100])
    return len(ids)


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
