"""Checks on an uploaded resource file: its size, its extension AND its content must agree
(a .pdf that is really HTML is refused). Used by the form (a field error) and again by the
service (nothing is saved on a refusal)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from peerly.core.errors import ServiceError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
SNIFF_BYTES = 2048

# extension -> the Content-Type a download is sent with
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "txt": "text/plain; charset=utf-8",
    "md": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
ALLOWED_EXTENSIONS = tuple(CONTENT_TYPES)
OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
MARKUP_STARTS = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe")


def max_bytes() -> int:
    return int(getattr(settings, "PEERLY_RESOURCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def extension(name: str) -> str:
    return Path(name).suffix.lower().lstrip(".")


def _zip_names(data: bytes) -> set[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _odt_mimetype(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read("mimetype").strip()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return b""


def _is_plain_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not data.lstrip().lower().startswith(MARKUP_STARTS)


def content_matches(ext: str, data: bytes) -> bool:
    """Whether the bytes of a file are what its extension says."""
    head = data[:SNIFF_BYTES]
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext in OOXML_PART:
        names = _zip_names(data) if head.startswith(b"PK\x03\x04") else None
        if not names or "[Content_Types].xml" not in names:
            return False
        return any(n.startswith(OOXML_PART[ext]) for n in names)
    if ext == "odt":
        return head.startswith(b"PK\x03\x04") and (
            _odt_mimetype(data) == b"application/vnd.oasis.opendocument.text"
        )
    if ext in ("txt", "md", "csv"):
        return _is_plain_text(data)
    return False


def check_upload(upload: Any) -> None:
    """Raise ServiceError (field "file") unless `upload` is small enough, has an allowed
    extension and content that matches it."""
    size = int(getattr(upload, "size", 0) or 0)
    if size > max_bytes():
        raise ServiceError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())},
            field="file",
        )
    if size == 0:
        raise ServiceError(_("The file is empty."), field="file")
    ext = extension(getattr(upload, "name", "") or "")
    if ext not in ALLOWED_EXTENSIONS:
        raise ServiceError(
            _("Files of this type cannot be uploaded. Allowed: %(types)s.")
            % {"types": ", ".join(ALLOWED_EXTENSIONS)},
            field="file",
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if not content_matches(ext, data):
        raise ServiceError(
            _("The file's content is not a .%(ext)s file; upload the file itself.") % {"ext": ext},
            field="file",
        )
