"""Absolute links of recognition (emails, the certificate and its PDF, the API)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from peerly.recognition.models import Certificate


def absolute(name: str, **kwargs: object) -> str:
    return settings.SITE_URL + reverse(f"recognition:{name}", kwargs=kwargs or None)


def verify_url(certificate: Certificate) -> str:
    """The public verification link: names the random code, never the id."""
    return absolute("verify", code=certificate.code)
