import re

from django.contrib import admin

from peerly.notifications.models import EmailOptOut
from peerly.notifications.models import OutboundEmail

# Emails whose links let the holder set a password or activate an account: the admin shows
# that they exist and when they went out, never their text.
SECRET_TEMPLATE_KEYS = ("confirm-email:", "password-reset:", "import-welcome:")
HIDDEN_BODY = "(hidden: this email carries a sign-in, confirmation or set-password link)"

_URL = re.compile(r"https?://[^\s\"'<>]+")
_SECRET_SEGMENT = re.compile(r"^(?=.*[0-9_:\-])[A-Za-z0-9_:\-.=]{16,}$")


def redact_links(text: str) -> str:
    """Every URL keeps its host and plain path parts; token-like parts and queries are hidden.

    A token-like part is 16+ characters of URL-safe text containing a digit, "-", "_" or ":"
    (Django's reset and confirmation tokens, invitation tokens, signed resume tokens...).
    """

    def clean(match: re.Match[str]) -> str:
        url = match.group(0)
        base, _, query = url.partition("?")
        base = base.split("#", 1)[0]
        scheme, sep, rest = base.partition("://")
        host, _, path = rest.partition("/")
        parts = ["[hidden]" if _SECRET_SEGMENT.match(p) else p for p in path.split("/")]
        return f"{scheme}{sep}{host}/{'/'.join(parts)}" + ("?[hidden]" if query else "")

    return _URL.sub(clean, text)


def redact_key(key: str) -> str:
    return ":".join("[hidden]" if _SECRET_SEGMENT.match(p) else p for p in key.split(":"))


# Every model field, read-only, with the key and bodies shown through the redactors.
_SHOWN = {"key": "shown_key", "body_text": "shown_body_text", "body_html": "shown_body_html"}
ADMIN_FIELDS: list[str] = [
    _SHOWN.get(f.name, f.name) for f in OutboundEmail._meta.fields if f.name != "id"
]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to_email", "created_at", "sent_at", "attempts"]
    search_fields = ["to_email", "subject"]
    fields = tuple(ADMIN_FIELDS)
    readonly_fields = tuple(ADMIN_FIELDS)

    def _secret(self, obj: OutboundEmail) -> bool:
        return obj.key.startswith(SECRET_TEMPLATE_KEYS) or (
            getattr(obj, "category", "") == "security"
        )

    @admin.display(description="key")
    def shown_key(self, obj: OutboundEmail) -> str:
        return redact_key(obj.key)

    @admin.display(description="body (text)")
    def shown_body_text(self, obj: OutboundEmail) -> str:
        return HIDDEN_BODY if self._secret(obj) else redact_links(obj.body_text)

    @admin.display(description="body (HTML source)")
    def shown_body_html(self, obj: OutboundEmail) -> str:
        return HIDDEN_BODY if self._secret(obj) else redact_links(obj.body_html)

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(EmailOptOut)
class EmailOptOutAdmin(admin.ModelAdmin):
    """Who asked for no more emails of which category (made by the signed unsubscribe link)."""

    list_display = ["user", "category", "created_at"]
    list_filter = ["category"]
    readonly_fields = ["user", "category", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
