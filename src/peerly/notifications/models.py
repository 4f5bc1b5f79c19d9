"""Outgoing email, one row per event: the unique `key` is what makes every email go out once."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from peerly.core.models import user_reference
from peerly.notifications.categories import Category


class OutboundEmail(models.Model):
    key = models.CharField(max_length=200, unique=True)  # e.g. "round-published:12:user:5"
    user = user_reference("emails")
    to_email = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(default="", blank=True)
    attachments = models.JSONField(default=list, blank=True)  # [{filename, content, mimetype}]
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(default="", blank=True)
    # categories.Category value ("" for emails queued before categories existed).
    category = models.CharField(max_length=40, default="", blank=True)
    # Set instead of sent_at when the recipient opted out of the category: never sent.
    skipped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_email}"


class EmailOptOut(models.Model):
    """A member asked for no more emails of one category (security emails cannot be)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs"
    )
    category = models.CharField(max_length=40, choices=Category.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="email_opt_out_once"),
            models.CheckConstraint(
                condition=~models.Q(category=Category.SECURITY),
                name="email_opt_out_not_security",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ✕ {self.category}"


class CalendarFeed(models.Model):
    """A member's private calendar subscription (notifications/feeds.py, docs/notifications.md).

    Only the SHA-256 of the secret token is stored: the address is shown once, right after it
    is created or reset, and a reset makes the old address stop working at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)  # hex SHA-256 of the token
    created_at = models.DateTimeField()
    reset_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)  # updated at most hourly

    def __str__(self) -> str:
        return f"calendar feed of user #{self.user_id}"
