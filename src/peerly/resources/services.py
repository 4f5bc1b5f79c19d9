"""Resource writes: create, update, delete (permission-checked, audited) and helpful marks
(idempotent), plus the daily view counter. Every function is one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from peerly.core import audit
from peerly.core.errors import ServiceError
from peerly.programs import kinds
from peerly.programs.models import Program
from peerly.resources import files
from peerly.resources.models import Audience
from peerly.resources.models import Resource
from peerly.resources.models import ResourceDailyViews
from peerly.resources.models import ResourceHelpful
from peerly.resources.models import ResourceKind
from peerly.resources.models import normalise_tags
from peerly.resources.selectors import Viewer
from peerly.resources.selectors import viewer_for

RESERVED_SLUGS = {"new", "usage"}
FIELDS = (
    "title",
    "slug",
    "kind",
    "summary",
    "body_md",
    "url",
    "tags",
    "audience",
    "program",
    "kinds_served",
    "is_published",
)


def _unique_slug(base: str, *, exclude: int | None = None) -> str:
    base = (slugify(base) or "resource")[:70]
    if base in RESERVED_SLUGS:
        base = f"{base}-resource"
    others = Resource.objects.filter(slug__startswith=base)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    taken = set(others.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _clean(*, viewer: Viewer, values: dict[str, Any], resource: Resource | None) -> dict[str, Any]:
    title = " ".join(str(values.get("title", "")).split())
    if not title:
        raise ServiceError(_("Give the resource a title."), field="title")
    kind = values.get("kind") or ResourceKind.GUIDE
    if kind not in ResourceKind.values:
        raise ServiceError(_("Choose a kind from the list."), field="kind")
    audience = values.get("audience") or Audience.EVERYONE
    if audience not in Audience.values:
        raise ServiceError(_("Choose an audience from the list."), field="audience")
    program = values.get("program")
    if program is not None and not isinstance(program, Program):
        raise ServiceError(_("Choose a programme from the list."), field="program")
    program_id = program.pk if program is not None else None
    if not viewer.may_add_to(program_id):
        raise ServiceError(
            _("You can add resources only to programmes you organise or mentor in.")
            if program_id is not None
            else _("Only site admins, organisers and mentors can add resources."),
            field="program" if program_id is not None else None,
        )
    served = sorted({str(k) for k in values.get("kinds_served") or []})
    known = {k.code for k in kinds.registry()}
    if not set(served) <= known:
        raise ServiceError(_("Choose programme kinds from the list."), field="kinds_served")
    url = str(values.get("url") or "").strip()
    if url and not url.lower().startswith(("https://", "http://")):
        raise ServiceError(_("A link must start with https:// or http://."), field="url")
    if kind in (ResourceKind.LINK, ResourceKind.VIDEO) and not url:
        raise ServiceError(_("A link or a video needs its address."), field="url")
    slug_source = str(values.get("slug") or "").strip() or title
    slug = _unique_slug(slug_source, exclude=resource.pk if resource else None)
    if resource is not None and not values.get("slug"):
        slug = resource.slug  # an edit keeps the address unless a new one is asked for
    return {
        "title": title[:200],
        "slug": slug,
        "kind": kind,
        "summary": " ".join(str(values.get("summary", "")).split())[:300],
        "body_md": str(values.get("body_md", "")),
        "url": url,
        "tags": ",".join(normalise_tags(str(values.get("tags", ""))))[:500],
        "audience": audience,
        "program": program,
        "kinds_served": served,
        "is_published": bool(values.get("is_published", True)),
    }


def _attach(resource: Resource, upload: Any) -> None:
    """Store `upload` (already checked) as the resource's file, replacing an older one."""
    if resource.file:
        resource.file.delete(save=False)
    resource.file_name = str(upload.name)[-200:]
    resource.file_size = int(upload.size)
    resource.file.save(upload.name, upload, save=False)


def create_resource(*, actor: Any, upload: Any = None, **values: Any) -> Resource:
    """A new resource by `actor` (see selectors for who may add). `upload`: an optional file,
    checked for size and type first (nothing is saved on a refusal)."""
    viewer = viewer_for(actor)
    cleaned = _clean(viewer=viewer, values=values, resource=None)
    if cleaned["kind"] == ResourceKind.FILE and upload is None:
        raise ServiceError(_("Choose the file to upload."), field="file")
    if upload is not None:
        files.check_upload(upload)
    with transaction.atomic():
        resource = Resource(author=actor, **cleaned)
        if upload is not None:
            _attach(resource, upload)
        resource.save()
        audit.record(
            actor=actor, action="resource.create", obj=resource, data={"slug": resource.slug}
        )
    return resource


def update_resource(
    *, actor: Any, resource: Resource, upload: Any = None, remove_file: bool = False, **values: Any
) -> Resource:
    viewer = viewer_for(actor)
    if not viewer.may_edit(resource):
        raise ServiceError(_("You cannot change this resource."))
    cleaned = _clean(viewer=viewer, values=values, resource=resource)
    if upload is not None:
        files.check_upload(upload)
    elif cleaned["kind"] == ResourceKind.FILE and (remove_file or not resource.file):
        raise ServiceError(_("Choose the file to upload."), field="file")
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        for name, value in cleaned.items():
            setattr(locked, name, value)
        if upload is not None:
            _attach(locked, upload)
        elif remove_file and locked.file:
            locked.file.delete(save=False)
            locked.file_name, locked.file_size = "", 0
        audit.saved(locked, actor=actor, action="resource.update", data={"slug": locked.slug})
    return locked


def delete_resource(*, actor: Any, resource: Resource) -> None:
    if not viewer_for(actor).may_edit(resource):
        raise ServiceError(_("You cannot delete this resource."))
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="resource.delete",
            obj=resource,
            data={"slug": resource.slug, "title": resource.title},
        )
        stored = resource.file.name if resource.file else ""
        resource.delete()
        if stored:
            transaction.on_commit(lambda: resource.file.storage.delete(stored))


def mark_helpful(*, user: Any, resource: Resource, helpful: bool = True) -> bool:
    """Mark (or unmark) `resource` helpful for `user`; doing it twice changes nothing.
    Returns whether anything changed. The caller has checked that `user` may see it.

    Not audited on purpose: what a member reads is theirs (the mark is in their data export);
    an audit row would file it under the resource's programme, where organisers read the
    audit log. Organisers see counts only (the usage page)."""
    with transaction.atomic():
        if helpful:
            try:
                with transaction.atomic():
                    _mark, created = ResourceHelpful.objects.get_or_create(
                        resource=resource, user=user
                    )
            except IntegrityError:  # a concurrent double click
                created = False
            return created
        return ResourceHelpful.objects.filter(resource=resource, user=user).delete()[0] > 0


def record_view(*, resource: Resource, on: dt.date | None = None) -> None:
    """Count one page view of `resource` today (a counter per day; nobody's name)."""
    day = on or timezone.localdate()
    with transaction.atomic():
        if ResourceDailyViews.objects.filter(resource=resource, day=day).update(
            count=F("count") + 1
        ):
            return
        try:
            with transaction.atomic():
                ResourceDailyViews.objects.create(resource=resource, day=day, count=1)
        except IntegrityError:  # created meanwhile by a concurrent view
            ResourceDailyViews.objects.filter(resource=resource, day=day).update(
                count=F("count") + 1
            )
