"""The resources part of a member's data export (accounts/ownership.py calls it;
docs/resources.md). On account deletion nothing here is removed: the resources a member wrote
stay in the library (the author shows as a former member) and their helpful marks stay as
anonymous counts on an anonymised account."""

from __future__ import annotations

from typing import Any

from peerly.accounts.models import User
from peerly.resources.models import Resource
from peerly.resources.models import ResourceHelpful

EXPORTED_LINKS: dict[str, str] = {
    "resources.resource.author": "resources_written",
    "resources.resourcehelpful.user": "resources_found_helpful",
}
EXCLUDED_LINKS: dict[str, str] = {}


def export_part(user: User) -> dict[str, list[dict[str, Any]]]:
    return {
        "resources_written": [
            {
                "slug": r.slug,
                "title": r.title,
                "kind": r.kind,
                "summary": r.summary,
                "body_md": r.body_md,
                "url": r.url,
                "file_name": r.file_name,
                "tags": r.tag_list,
                "program": r.program.slug if r.program else None,
                "created_at": r.created_at.isoformat(),
                "updated_at": r.updated_at.isoformat(),
            }
            for r in Resource.objects.filter(author=user).select_related("program")
        ],
        "resources_found_helpful": [
            {"resource": m.resource.slug, "created_at": m.created_at.isoformat()}
            for m in ResourceHelpful.objects.filter(user=user).select_related("resource")
        ],
    }
