"""The EmailMessage every Peerly email is sent as.

Django folds a long subject itself before the header name is known, so a long non-ASCII
subject comes out as `Subject: ` + an empty first line, and mail readers show a leading space
(a test parses it back). Here the subject is set as an `email.header.Header` that knows its
header name: RFC 2047 encoded words, every line within 78 characters, no empty first line.
"""

from __future__ import annotations

from email.header import Header
from typing import Any

from django.core.mail import EmailMultiAlternatives


class PeerlyEmailMessage(EmailMultiAlternatives):
    # (the stubs describe a newer Django whose message() takes a `policy`; 5.2 takes none)
    def message(self) -> Any:  # type: ignore[override]
        msg = super().message()  # also rejects a subject with a newline (header injection)
        subject = str(self.subject)
        charset = "us-ascii" if subject.isascii() else "utf-8"  # utf-8: shortest of Q/B
        # replace_header keeps the header's place and bypasses Django's __setitem__ (which
        # would str() the Header and fold it blind again).
        msg.replace_header("Subject", Header(subject, charset, header_name="Subject"))
        return msg
