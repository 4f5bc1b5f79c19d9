"""Recognition over the API: /api/v1/recognition/… — the same selectors and services as the
pages (a member's badges as the member chose; the wall to members only; 404 otherwise)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from ninja import Field
from ninja import Router
from ninja import Schema
from ninja.pagination import paginate

from peerly.accounts.models import User
from peerly.core.errors import ServiceError
from peerly.core.http import AuthedHttpRequest
from peerly.core.pagination import CappedLimitOffset
from peerly.recognition import selectors
from peerly.recognition import services
from peerly.recognition.links import verify_url
from peerly.recognition.models import KUDOS_MAX_LENGTH
from peerly.recognition.models import BadgeAward
from peerly.recognition.models import Certificate
from peerly.recognition.models import Kudos

router = Router(tags=["recognition"])


class KudosOut(Schema):
    id: int
    program: str = Field(description="the programme's slug")
    sender: str
    recipient: str
    message: str
    is_public: bool
    created_at: dt.datetime


class KudosIn(Schema):
    recipient_id: int
    message: str = Field(min_length=1, max_length=KUDOS_MAX_LENGTH)


class PublicIn(Schema):
    public: bool


class BadgeOut(Schema):
    id: int
    program: str
    badge: str
    label: str
    awarded_at: dt.datetime


class CertificateOut(Schema):
    id: int
    program: str
    completion: str
    starts_on: dt.date
    ends_on: dt.date
    achievement: str
    verify_url: str
    is_valid: bool


def _kudos(k: Kudos) -> dict[str, Any]:
    return {
        "id": k.pk,
        "program": k.program.slug,
        "sender": k.sender.name,
        "recipient": k.recipient.name,
        "message": k.message,
        "is_public": k.is_public,
        "created_at": k.created_at,
    }


def _kudos_rows(request: AuthedHttpRequest, items: list[Kudos]) -> list[dict[str, Any]]:
    return [_kudos(k) for k in items]


def _badge_rows(request: AuthedHttpRequest, items: list[BadgeAward]) -> list[dict[str, Any]]:
    return [
        {
            "id": b.pk,
            "program": b.program.slug,
            "badge": b.badge,
            "label": str(b.get_badge_display()),
            "awarded_at": b.awarded_at,
        }
        for b in items
    ]


@router.get("/recognition/me/kudos", response=list[KudosOut])
@paginate(CappedLimitOffset, rows=_kudos_rows)
def list_my_kudos(request: AuthedHttpRequest) -> QuerySet[Kudos]:
    """Kudos you received, newest first."""
    return selectors.list_kudos_received(user=request.user).select_related("recipient")


@router.post("/recognition/me/kudos/{kudos_id}/public", response=KudosOut)
def set_public(request: AuthedHttpRequest, kudos_id: int, payload: PublicIn) -> dict[str, Any]:
    """Show a kudos you received on the programme wall, or take it off."""
    kudos = selectors.get_received_kudos_for_user(user=request.user, kudos_id=kudos_id)
    services.set_kudos_public(kudos=kudos, actor=request.user, public=payload.public)
    return _kudos(Kudos.objects.select_related("program", "sender", "recipient").get(pk=kudos.pk))


@router.get("/recognition/programs/{slug}/wall", response=list[KudosOut])
@paginate(CappedLimitOffset, rows=_kudos_rows)
def list_wall(request: AuthedHttpRequest, slug: str) -> QuerySet[Kudos]:
    """The programme's public kudos (its members and organisers only)."""
    program = selectors.program_for_member(request.user, slug).program
    return selectors.list_wall(program=program).select_related("program")


@router.post("/recognition/programs/{slug}/kudos", response={201: KudosOut})
def send_kudos(
    request: AuthedHttpRequest, slug: str, payload: KudosIn
) -> tuple[int, dict[str, Any]]:
    program = selectors.program_for_member(request.user, slug).program
    recipient = selectors.kudos_recipients(program=program, sender=request.user).filter(
        pk=payload.recipient_id
    )
    found = recipient.first()
    if found is None:
        raise ServiceError("Choose another member of this programme.", field="recipient_id")
    kudos = services.send_kudos(
        sender=request.user, program=program, recipient=found, message=payload.message
    )
    return 201, _kudos(kudos)


@router.get("/recognition/members/{user_id}/badges", response=list[BadgeOut])
@paginate(CappedLimitOffset, rows=_badge_rows)
def list_member_badges(request: AuthedHttpRequest, user_id: int) -> QuerySet[BadgeAward]:
    """A member's badges you may see (as the member chose); none is not an error."""
    member = User.objects.filter(pk=user_id).first()
    if member is None:
        raise Http404("Not found.")
    return selectors.list_badges_for_viewer(viewer=request.user, member=member)


@router.get("/recognition/me/certificates", response=list[CertificateOut])
def list_my_certificates(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    items = Certificate.objects.filter(user=request.user).select_related("program")[:200]
    return [
        {
            "id": c.pk,
            "program": c.program.slug,
            "completion": c.completion,
            "starts_on": c.starts_on,
            "ends_on": c.ends_on,
            "achievement": c.achievement,
            "verify_url": verify_url(c),
            "is_valid": c.is_valid,
        }
        for c in items
    ]
