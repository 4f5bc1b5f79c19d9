"""Where uploaded resource files live: MEDIA_ROOT/resources/ (PEERLY_HOME/media when
MEDIA_ROOT is unset), under random names. They are never served as static media: the
login-checked download view sends them as attachments (docs/resources.md)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


@deconstructible(path="peerly.resources.storage.ResourceStorage")
class ResourceStorage(FileSystemStorage):
    @cached_property
    def base_location(self) -> str:  # type: ignore[override]
        root = self._value_or_setting(self._location, settings.MEDIA_ROOT)  # type: ignore[attr-defined]
        return str(Path(root) if root else Path(settings.PROJECT_DIR) / "media")


resource_storage = ResourceStorage()


def upload_name(instance: Any, filename: str) -> str:
    """resources/<random>.<ext>: nothing of the uploader's file name reaches the disk."""
    ext = Path(filename).suffix.lower().lstrip(".")
    return f"resources/{secrets.token_hex(16)}.{ext}"
