"""Absolute links for emails, calendar feeds and anything read outside the browser."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse


def absolute_url(url_name: str, /, **kwargs: Any) -> str:
    """SITE_URL + the path of the page `url_name` ("app:name") with these URL kwargs."""
    return settings.SITE_URL + reverse(url_name, kwargs=kwargs)
