"""Signed one-click unsubscribe links (no login needed; the signature is the authority).

The token is `<user id>.<category>:<HMAC>` signed with SECRET_KEY under a salt of its own, so
a signature made for anything else in Peerly (password reset, confirmation, …) never
validates here, and changing the user id or the category breaks the signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing

from peerly.core.links import absolute_url
from peerly.notifications.categories import OPTIONAL
from peerly.notifications.categories import Category

SALT = "peerly.notifications.unsubscribe"


class InvalidUnsubscribeLinkError(ValueError):
    pass


@dataclass(frozen=True)
class UnsubscribeRequest:
    user_id: int
    category: Category


def unsubscribe_signer() -> signing.Signer:
    """The signer of unsubscribe tokens (one per batch of emails: it reads the settings once)."""
    return signing.Signer(salt=SALT)


def unsubscribe_token(*, user_id: int, category: str, signer: signing.Signer | None = None) -> str:
    if category not in OPTIONAL:
        raise ValueError(f"{category!r} emails cannot be unsubscribed from")
    return (signer or unsubscribe_signer()).sign(f"{user_id}.{category}")


def unsubscribe_url(*, user_id: int, category: str) -> str:
    token = unsubscribe_token(user_id=user_id, category=category)
    return absolute_url("notifications:unsubscribe", token=token)


def read_unsubscribe_token(token: str) -> UnsubscribeRequest:
    """The request a token stands for; InvalidUnsubscribeLinkError if it is tampered or foreign."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature as exc:
        raise InvalidUnsubscribeLinkError("This unsubscribe link is not valid.") from exc
    user_part, _, category = value.partition(".")
    if not user_part.isdigit() or category not in OPTIONAL:
        raise InvalidUnsubscribeLinkError("This unsubscribe link is not valid.")
    return UnsubscribeRequest(user_id=int(user_part), category=Category(category))


def settings_url() -> str:
    """Where members manage their notifications (the profile page until preferences exist)."""
    return absolute_url("accounts:profile")


def message_id_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"
