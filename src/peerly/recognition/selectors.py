"""Permission-scoped reads of recognition. What is not yours to see does not exist (404).

- a programme's recognition pages: its members and organisers (`program_for_member`); to
  anybody else the programme does not exist here (404, not 403: no probing of names);
- a kudos: its sender and recipient, and the programme's members once the recipient made it
  public (the wall);
- a badge: its holder, and whoever the holder's `visibility` admits — fellow members of the
  badge's programme ("programmes"), that programme's organisers ("organisers" and
  "programmes"), nobody else ("only me"); the same rule on every page, API and export;
- a certificate: its holder and the programme's organisers; by its verification code,
  anybody (name, programme, dates and validity only).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models import Q
from django.db.models import QuerySet
from django.http import Http404

from peerly.accounts.models import User
from peerly.accounts.models import Visibility
from peerly.programs.access import MEMBER_STATUSES
from peerly.programs.access import AccessResult
from peerly.programs.access import access_program
from peerly.programs.models import Enrollment
from peerly.programs.models import Program
from peerly.recognition.models import Badge
from peerly.recognition.models import BadgeAward
from peerly.recognition.models import Celebration
from peerly.recognition.models import Certificate
from peerly.recognition.models import Kudos
from peerly.recognition.models import Testimonial

NOT_FOUND = "Not found."
CODE_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")


def program_for_member(user: Any, slug: str) -> AccessResult:
    """The programme for a member or organiser of it; 404 for everybody else."""
    try:
        return access_program(user, slug, need="member")
    except PermissionDenied:
        raise Http404(NOT_FOUND) from None


def program_for_organiser(user: Any, slug: str) -> AccessResult:
    """The programme for its organisers (403 for its members, 404 for everybody else)."""
    access = program_for_member(user, slug)
    if not access.is_organiser:
        raise PermissionDenied("Only this programme's organisers can do that.")
    return access


# ----------------------------------------------------------------------------- kudos
def list_wall(*, program: Program) -> QuerySet[Kudos]:
    """The programme's public kudos, newest first (the caller checked membership)."""
    return Kudos.objects.filter(program=program, is_public=True).select_related(
        "sender", "recipient"
    )


def list_kudos_received(*, user: User) -> QuerySet[Kudos]:
    return Kudos.objects.filter(recipient=user).select_related("sender", "program")


def list_kudos_sent(*, user: User) -> QuerySet[Kudos]:
    return Kudos.objects.filter(sender=user).select_related("recipient", "program")


def get_received_kudos_for_user(*, user: User, kudos_id: int) -> Kudos:
    found = Kudos.objects.filter(pk=kudos_id, recipient=user).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def kudos_recipients(*, program: Program, sender: User) -> QuerySet[User]:
    """Whom `sender` may thank in `program`: its other members."""
    return (
        User.objects.filter(enrollments__program=program, enrollments__status__in=MEMBER_STATUSES)
        .exclude(pk=sender.pk)
        .order_by("display_name", "email", "pk")
        .distinct()
    )


def get_testimonial_for_author(*, user: User, testimonial_id: int) -> Testimonial:
    found = Testimonial.objects.filter(pk=testimonial_id, author=user).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


# ----------------------------------------------------------------------------- badges
_ALLOWED = {  # the viewer's level in the badge's programme -> the visibilities it sees
    Visibility.ORGANISERS: (Visibility.ORGANISERS, Visibility.PROGRAMMES),
    Visibility.PROGRAMMES: (Visibility.PROGRAMMES,),
}


def program_levels(*, viewer: Any, program_ids: Iterable[int]) -> dict[int, str]:
    """The viewer's level in each programme: "organisers" (organiser or site admin),
    "programmes" (a member now), or absent. Two queries whatever the number."""
    ids = set(program_ids)
    if not ids or not getattr(viewer, "is_authenticated", False):
        return {}
    if viewer.is_superuser:
        return dict.fromkeys(ids, Visibility.ORGANISERS)
    levels: dict[int, str] = dict.fromkeys(
        Enrollment.objects.filter(
            user=viewer, program_id__in=ids, status__in=MEMBER_STATUSES
        ).values_list("program_id", flat=True),
        Visibility.PROGRAMMES,
    )
    for pid in Program.organisers.through.objects.filter(
        user_id=viewer.pk, program_id__in=ids
    ).values_list("program_id", flat=True):
        levels[pid] = Visibility.ORGANISERS
    return levels


def visible_badges_q(*, viewer: Any, member_field: str = "user") -> Q:
    """The awards `viewer` may see (as a filter): their own, and others' by visibility in the
    programmes the viewer organises or takes part in. Used by every list of badges."""
    if not getattr(viewer, "is_authenticated", False):
        return Q(pk__in=[])
    own = Q(**{f"{member_field}_id": viewer.pk})
    if viewer.is_superuser:
        return own | Q(visibility__in=_ALLOWED[Visibility.ORGANISERS])
    organised = Program.organisers.through.objects.filter(user_id=viewer.pk).values("program_id")
    member_of = Enrollment.objects.filter(user=viewer, status__in=MEMBER_STATUSES).values(
        "program_id"
    )
    return (
        own
        | Q(program_id__in=organised, visibility__in=_ALLOWED[Visibility.ORGANISERS])
        | Q(program_id__in=member_of, visibility=Visibility.PROGRAMMES)
    )


def list_badges_for_viewer(*, viewer: Any, member: User) -> QuerySet[BadgeAward]:
    """`member`'s badges that `viewer` may see (their profile)."""
    return (
        BadgeAward.objects.filter(user=member)
        .filter(visible_badges_q(viewer=viewer))
        .select_related("program")
    )


def list_program_badges_for_viewer(*, viewer: Any, program: Program) -> QuerySet[BadgeAward]:
    """A programme's badges `viewer` may see (organisers' page, the API)."""
    return (
        BadgeAward.objects.filter(program=program)
        .filter(visible_badges_q(viewer=viewer))
        .select_related("user")
    )


def get_own_award(*, user: User, award_id: int) -> BadgeAward:
    found = BadgeAward.objects.filter(pk=award_id, user=user).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


# ----------------------------------------------------------------------------- certificates
def get_certificate_for_user(*, user: Any, certificate_id: int) -> Certificate:
    """A certificate for its holder or the programme's organisers; 404 for anybody else."""
    found = Certificate.objects.filter(pk=certificate_id).select_related("program", "user").first()
    if found is None or not getattr(user, "is_authenticated", False):
        raise Http404(NOT_FOUND)
    if found.user_id == user.pk:
        return found
    from peerly.programs.access import is_organiser

    if is_organiser(user, found.program):
        return found
    raise Http404(NOT_FOUND)


def get_certificate_by_code(*, code: str) -> Certificate:
    """The certificate a verification link names; 404 for anything that is not one (a
    malformed code never reaches the database)."""
    if not CODE_RE.fullmatch(code or ""):
        raise Http404(NOT_FOUND)
    found = Certificate.objects.filter(code=code).select_related("program", "user").first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def list_program_certificates(*, program: Program) -> QuerySet[Certificate]:
    return Certificate.objects.filter(program=program).select_related("user")


# ----------------------------------------------------------------------------- celebration
@dataclass(frozen=True)
class Quote:
    source: str  # "testimonial" or "kudos"
    pk: int
    text: str
    author: str


@dataclass
class Summary:
    figures: dict[str, int] = field(default_factory=dict)
    badges: list[tuple[str, int]] = field(default_factory=list)  # (label, count)
    quotes: list[Quote] = field(default_factory=list)


def _in_period(starts_on: dt.date, ends_on: dt.date, name: str) -> Q:
    return Q(**{f"{name}__date__gte": starts_on, f"{name}__date__lte": ends_on})


def _quotes(
    program: Program,
    period: Q | None = None,
    kudos_period: Q | None = None,
    only: list[list[Any]] | None = None,
) -> list[Quote]:
    testimonials = Testimonial.objects.filter(program=program, withdrawn_at__isnull=True)
    kudos = Kudos.objects.filter(program=program, is_public=True, is_testimonial=True)
    if period is not None:
        testimonials = testimonials.filter(period)
    if kudos_period is not None:
        kudos = kudos.filter(kudos_period)
    if only is not None:
        testimonials = testimonials.filter(pk__in=[pk for s, pk in only if s == "testimonial"])
        kudos = kudos.filter(pk__in=[pk for s, pk in only if s == "kudos"])
    quotes = [
        Quote("testimonial", t.pk, t.text, t.author.name)
        for t in testimonials.select_related("author")[:50]
    ]
    quotes += [
        Quote("kudos", k.pk, k.message, k.sender.name) for k in kudos.select_related("sender")[:50]
    ]
    return quotes


def celebration_summary(*, program: Program, starts_on: dt.date, ends_on: dt.date) -> Summary:
    """What the programme achieved between the dates: counts (never private texts) and the
    quotes members chose to share. Badges a member keeps to themselves ("only me") are not
    counted: a count of one would tell who has it."""
    awards = (
        BadgeAward.objects.filter(program=program)
        .exclude(visibility=Visibility.PRIVATE)
        .filter(_in_period(starts_on, ends_on, "awarded_at"))
    )
    by_badge = dict(awards.values("badge").annotate(n=Count("id")).values_list("badge", "n"))
    labels = dict(Badge.choices)
    certificates = Certificate.objects.filter(
        program=program, revoked_at__isnull=True, issued_at__date__gte=starts_on
    ).filter(issued_at__date__lte=ends_on)
    kudos = Kudos.objects.filter(program=program).filter(
        _in_period(starts_on, ends_on, "created_at")
    )
    summary = Summary(
        figures={
            "certificates": certificates.count(),
            "badges": sum(by_badge.values()),
            "kudos": kudos.count(),
            "public_kudos": kudos.filter(is_public=True).count(),
        },
        badges=[(str(labels.get(b, b)), n) for b, n in sorted(by_badge.items())],
        quotes=_quotes(
            program,
            period=_in_period(starts_on, ends_on, "created_at"),
            kudos_period=_in_period(starts_on, ends_on, "created_at"),
        ),
    )
    return summary


def latest_celebration(*, program: Program) -> tuple[Celebration, list[Quote]] | None:
    """The programme's last published celebration with its quotes (read live: a quote its
    member withdrew since is left out)."""
    item = Celebration.objects.filter(program=program).first()
    if item is None:
        return None
    return item, _quotes(program, only=list(item.quotes))
