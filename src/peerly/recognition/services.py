"""Every recognition write: one function per action, atomic, audited, keyword-only.

Kudos and testimonials are the members' own texts: their audit rows name the row, never the
text, and are not filed under the programme (`audit_private`), like goals. Badge awards and
certificates are filed under their programme, except a badge the member keeps to themselves.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerly.accounts.models import User
from peerly.accounts.models import Visibility
from peerly.core import audit
from peerly.core.db import relock
from peerly.core.errors import ServiceError
from peerly.programs.access import MEMBER_STATUSES
from peerly.programs.access import is_organiser
from peerly.programs.models import Program
from peerly.recognition import contributions
from peerly.recognition import emails
from peerly.recognition.models import KUDOS_MAX_LENGTH
from peerly.recognition.models import MANUAL_BADGES
from peerly.recognition.models import REASON_MAX_LENGTH
from peerly.recognition.models import RULE_BADGES
from peerly.recognition.models import TESTIMONIAL_MAX_LENGTH
from peerly.recognition.models import AwardSource
from peerly.recognition.models import Badge
from peerly.recognition.models import BadgeAward
from peerly.recognition.models import Celebration
from peerly.recognition.models import Certificate
from peerly.recognition.models import Kudos
from peerly.recognition.models import RecognitionSettings
from peerly.recognition.models import Testimonial

# Badges that reveal something private by default (a goal's existence): kept to the member.
PRIVATE_BY_DEFAULT = frozenset({Badge.FIRST_GOAL})
CODE_BYTES = 24  # secrets.token_urlsafe(24): 32 characters, 192 bits


def is_member(user: Any, program: Program) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and program.enrollments.filter(user=user, status__in=MEMBER_STATUSES).exists()
    )


def _require_organiser(actor: Any, program: Program) -> None:
    if not is_organiser(actor, program):
        raise PermissionDenied(_("Only this programme's organisers can do that."))


def _text(value: str, *, limit: int, field: str, empty: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ServiceError(empty, field=field)
    if len(text) > limit:
        raise ServiceError(
            _("At most %(n)d characters, please.") % {"n": limit},
            field=field,
        )
    return text


# ----------------------------------------------------------------------------- kudos
@transaction.atomic
def send_kudos(*, sender: User, program: Program, recipient: User, message: str) -> Kudos:
    """`sender` (a member or organiser of `program`) thanks `recipient` (a member of it) for
    something specific. The recipient hears of it by email (once: the outbox key)."""
    if sender.pk == recipient.pk:
        raise ServiceError(_("Kudos are for somebody else."), field="recipient")
    if not (is_member(sender, program) or is_organiser(sender, program)):
        raise PermissionDenied(_("Only members of this programme can send kudos here."))
    if not is_member(recipient, program):
        raise ServiceError(_("Choose a member of this programme."), field="recipient")
    text = _text(
        message,
        limit=KUDOS_MAX_LENGTH,
        field="message",
        empty=_("Say what you are thankful for."),
    )
    kudos = Kudos.objects.create(program=program, sender=sender, recipient=recipient, message=text)
    audit.record(actor=sender, action="recognition.kudos_sent", obj=kudos)
    emails.kudos_received(kudos=kudos)
    return kudos


@transaction.atomic
def set_kudos_public(*, kudos: Kudos, actor: User, public: bool) -> Kudos:
    """The recipient shows a kudos on the programme wall, or takes it back (which also takes
    it out of the testimonials)."""
    locked = relock(kudos)
    if locked.recipient_id != actor.pk:
        raise PermissionDenied(_("Only the person thanked can do that."))
    if locked.is_public == public:
        return locked
    locked.is_public = public
    locked.made_public_at = timezone.now() if public else None
    if not public:
        locked.is_testimonial = False
    audit.saved(
        locked,
        actor=actor,
        action="recognition.kudos_public" if public else "recognition.kudos_private",
        update_fields=["is_public", "made_public_at", "is_testimonial", "updated_at"],
    )
    return locked


@transaction.atomic
def set_kudos_testimonial(*, kudos: Kudos, actor: User, shared: bool) -> Kudos:
    """The recipient offers a public kudos as a testimonial for the celebration (or not)."""
    locked = relock(kudos)
    if locked.recipient_id != actor.pk:
        raise PermissionDenied(_("Only the person thanked can do that."))
    if shared and not locked.is_public:
        raise ServiceError(_("Make it public first."))
    if locked.is_testimonial != shared:
        locked.is_testimonial = shared
        audit.saved(
            locked,
            actor=actor,
            action="recognition.kudos_testimonial" if shared else "recognition.kudos_untestimonial",
            update_fields=["is_testimonial", "updated_at"],
        )
    return locked


# ----------------------------------------------------------------------------- testimonials
@transaction.atomic
def add_testimonial(*, author: User, program: Program, text: str) -> Testimonial:
    """A member's short quote, shared on purpose for the programme's celebration."""
    if not is_member(author, program):
        raise PermissionDenied(_("Only members of this programme can share a testimonial."))
    body = _text(
        text,
        limit=TESTIMONIAL_MAX_LENGTH,
        field="text",
        empty=_("Write a sentence or two."),
    )
    item = Testimonial.objects.create(program=program, author=author, text=body)
    audit.record(
        actor=author, action="recognition.testimonial_added", obj=item, program_id=program.pk
    )
    return item


@transaction.atomic
def withdraw_testimonial(*, testimonial: Testimonial, actor: User) -> Testimonial:
    locked = relock(testimonial)
    if locked.author_id != actor.pk:
        raise PermissionDenied(_("Only its author can withdraw it."))
    if locked.withdrawn_at is None:
        locked.withdrawn_at = timezone.now()
        audit.saved(
            locked,
            actor=actor,
            action="recognition.testimonial_withdrawn",
            update_fields=["withdrawn_at", "updated_at"],
        )
    return locked


# ----------------------------------------------------------------------------- settings
def settings_for(program: Program) -> RecognitionSettings:
    """The programme's settings, or the defaults (unsaved) when nobody changed them: reads
    never create rows."""
    found = RecognitionSettings.objects.filter(program=program).first()
    return found or RecognitionSettings(program=program)


@transaction.atomic
def update_settings(
    *,
    program: Program,
    actor: User,
    rules: Iterable[str],
    mentor_threshold: int = 3,
    certificates_enabled: bool = False,
    coffee_rounds_for_certificate: int = 5,
) -> RecognitionSettings:
    """Switch badge rules and certificates on or off for the programme (organisers only)."""
    _require_organiser(actor, program)
    wanted = sorted(set(rules))
    allowed = set(contributions.rules_for(program))
    unknown = [r for r in wanted if r not in allowed]
    if unknown:
        raise ServiceError(_("This programme has no such badge rule."), field="rules")
    if not 1 <= int(mentor_threshold) <= 100:
        raise ServiceError(_("Choose a number from 1 to 100."), field="mentor_threshold")
    if not 1 <= int(coffee_rounds_for_certificate) <= 100:
        raise ServiceError(
            _("Choose a number from 1 to 100."), field="coffee_rounds_for_certificate"
        )
    Program.objects.select_for_update().filter(pk=program.pk).first()  # one writer at a time
    cfg, _created = RecognitionSettings.objects.get_or_create(program=program)
    old = {
        "rules": list(cfg.rules),
        "mentor_threshold": cfg.mentor_threshold,
        "certificates_enabled": cfg.certificates_enabled,
        "coffee_rounds_for_certificate": cfg.coffee_rounds_for_certificate,
    }
    cfg.rules = wanted
    cfg.mentor_threshold = int(mentor_threshold)
    cfg.certificates_enabled = bool(certificates_enabled)
    cfg.coffee_rounds_for_certificate = int(coffee_rounds_for_certificate)
    new = {
        "rules": wanted,
        "mentor_threshold": cfg.mentor_threshold,
        "certificates_enabled": cfg.certificates_enabled,
        "coffee_rounds_for_certificate": cfg.coffee_rounds_for_certificate,
    }
    changed = {k: [old[k], new[k]] for k in new if old[k] != new[k]}
    audit.saved(
        cfg,
        actor=actor,
        action="recognition.settings_updated",
        program_id=program.pk,
        data={"changed": changed},
    )
    return cfg


# ----------------------------------------------------------------------------- badges
def award_badge(
    *,
    program: Program,
    user: User | int,
    badge: str,
    source: str,
    actor: Any = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> tuple[BadgeAward, bool]:
    """THE write path of every badge: (award, created). Idempotent: a badge the member already
    holds in the programme is returned unchanged (the unique constraint is the backstop of
    two concurrent calls). Permission checks are the callers' (`award_by_hand`, the tick)."""
    if badge not in Badge.values:
        raise ServiceError(_("No such badge."), field="badge")
    if source not in AwardSource.values:
        raise ServiceError(_("No such source."), field="source")
    if len(reason or "") > REASON_MAX_LENGTH:
        raise ServiceError(
            _("At most %(n)d characters, please.") % {"n": REASON_MAX_LENGTH}, field="reason"
        )
    user_id = user if isinstance(user, int) else user.pk
    existing = BadgeAward.objects.filter(program=program, user_id=user_id, badge=badge).first()
    if existing is not None:
        return existing, False
    visibility = Visibility.PRIVATE if badge in PRIVATE_BY_DEFAULT else Visibility.ORGANISERS
    try:
        with transaction.atomic():
            award = BadgeAward.objects.create(
                program=program,
                user_id=user_id,
                badge=badge,
                source=source,
                reason=(reason or "").strip(),
                awarded_at=now or timezone.now(),
                awarded_by=actor if getattr(actor, "is_authenticated", False) else None,
                visibility=visibility,
            )
            if visibility == Visibility.PRIVATE:
                award.audit_private = True  # type: ignore[attr-defined]
            audit.record(
                actor=actor,
                action="recognition.badge_awarded",
                obj=award,
                data={"badge": badge, "source": source, "user_id": user_id},
            )
    except IntegrityError:  # somebody else awarded it a moment ago
        return BadgeAward.objects.get(program=program, user_id=user_id, badge=badge), False
    return award, True


def can_award_by_hand(actor: Any, program: Program, member: User) -> bool:
    """Organisers of the programme, and a mentor for their own (open) mentee in it."""
    if is_organiser(actor, program):
        return True
    from peerly.mentorship.models import OPEN_STATUSES
    from peerly.mentorship.models import Mentorship

    return Mentorship.objects.filter(
        program=program, mentee=member, mentor__user=actor, status__in=OPEN_STATUSES
    ).exists()


@transaction.atomic
def award_by_hand(
    *, actor: User, program: Program, member: User, badge: str, reason: str = ""
) -> tuple[BadgeAward, bool]:
    """An organiser (or the member's mentor) awards one of the MANUAL_BADGES."""
    if badge not in MANUAL_BADGES:
        raise ServiceError(_("This badge is earned, not awarded by hand."), field="badge")
    if not can_award_by_hand(actor, program, member):
        raise PermissionDenied(_("Only organisers, or the member's mentor, award badges."))
    if not is_member(member, program):
        raise ServiceError(_("Choose a member of this programme."), field="member")
    source = AwardSource.ORGANISER if is_organiser(actor, program) else AwardSource.MENTOR
    return award_badge(
        program=program, user=member, badge=badge, source=source, actor=actor, reason=reason
    )


@transaction.atomic
def award_from_nomination(*, actor: User, recognition: Any) -> tuple[BadgeAward, bool]:
    """An organiser turns a mentor's recognition or emerging-leader nomination
    (mentorship.Recognition) into the matching badge."""
    from peerly.mentorship.models import RecognitionKind

    ms = recognition.mentorship
    _require_organiser(actor, ms.program)
    badge = (
        Badge.EMERGING_LEADER if recognition.kind == RecognitionKind.LEADER else Badge.RECOGNISED
    )
    return award_badge(
        program=ms.program,
        user=ms.mentee,
        badge=badge,
        source=AwardSource.NOMINATION,
        actor=actor,
        reason=_("Nominated by their mentor."),
    )


@transaction.atomic
def set_badge_visibility(*, award: BadgeAward, actor: User, visibility: str) -> BadgeAward:
    """The member chooses who sees one of their badges."""
    if visibility not in Visibility.values:
        raise ServiceError(_("Choose who may see it."), field="visibility")
    locked = relock(award)
    if locked.user_id != actor.pk:
        raise PermissionDenied(_("Only the badge's holder can change that."))
    if locked.visibility != visibility:
        locked.visibility = visibility
        locked.audit_private = True  # type: ignore[attr-defined]  # the member's own choice
        audit.saved(
            locked,
            actor=actor,
            action="recognition.badge_visibility",
            update_fields=["visibility"],
        )
    return locked


@transaction.atomic
def set_all_badges_visibility(*, actor: User, visibility: str) -> int:
    """One choice for every badge the member holds."""
    if visibility not in Visibility.values:
        raise ServiceError(_("Choose who may see it."), field="visibility")
    count = (
        BadgeAward.objects.filter(user=actor)
        .exclude(visibility=visibility)
        .update(visibility=visibility)
    )
    audit.record(
        actor=actor,
        action="recognition.badges_visibility",
        obj=actor,
        data={"visibility": visibility, "count": count},
    )
    return count


def evaluate_rules(*, program: Program, now: dt.datetime | None = None) -> int:
    """Award every switched-on rule badge the programme's members have earned. Idempotent:
    returns how many badges were new."""
    now = now or timezone.now()
    cfg = settings_for(program)
    part = contributions.for_kind(program.kind)
    enabled = set(cfg.rules) & set(RULE_BADGES)
    if not enabled or cfg.pk is None:
        return 0
    earned = list(part.earned(program, cfg, now.date())) if part else []
    if Badge.FIRST_GOAL in enabled:
        earned += contributions.first_goal_earned(program, cfg, now.date())
    held = set(
        BadgeAward.objects.filter(program=program, badge__in=enabled).values_list(
            "user_id", "badge"
        )
    )
    new = 0
    for item in earned:
        if item.badge not in enabled or (item.user_id, item.badge) in held:
            continue
        _award, created = award_badge(
            program=program,
            user=item.user_id,
            badge=item.badge,
            source=AwardSource.RULE,
            reason=item.reason,
            now=now,
        )
        held.add((item.user_id, item.badge))
        new += created
    return new


# ----------------------------------------------------------------------------- certificates
def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def issue_certificate(
    *,
    program: Program,
    user_id: int,
    completion: str,
    source_key: str,
    starts_on: dt.date,
    ends_on: dt.date,
    achievement: str,
    actor: Any = None,
    now: dt.datetime | None = None,
) -> tuple[Certificate, bool]:
    """THE write path of every certificate: (certificate, created), once per member and
    completion (`source_key`), with a fresh unguessable verification code."""
    existing = Certificate.objects.filter(
        program=program, user_id=user_id, source_key=source_key
    ).first()
    if existing is not None:
        return existing, False
    if ends_on < starts_on:
        raise ServiceError(_("The end date is before the start date."))
    try:
        with transaction.atomic():
            cert = Certificate.objects.create(
                program=program,
                user_id=user_id,
                completion=completion,
                source_key=source_key,
                starts_on=starts_on,
                ends_on=ends_on,
                achievement=achievement[:500],
                code=new_code(),
                issued_at=now or timezone.now(),
                issued_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            audit.record(
                actor=actor,
                action="recognition.certificate_issued",
                obj=cert,
                data={"user_id": user_id, "source_key": source_key},
            )
    except IntegrityError:
        return Certificate.objects.get(
            program=program, user_id=user_id, source_key=source_key
        ), False
    emails.certificate_issued(certificate=cert)
    return cert, True


def issue_due_certificates(
    *, program: Program, actor: Any = None, now: dt.datetime | None = None
) -> int:
    """Issue the certificates the programme's completions call for (organisers switched
    certificates on). Idempotent: returns how many were new."""
    now = now or timezone.now()
    cfg = settings_for(program)
    part = contributions.for_kind(program.kind)
    if part is None or not cfg.certificates_enabled:
        return 0
    new = 0
    for done in part.completions(program, cfg, now.date()):
        _cert, created = issue_certificate(
            program=program,
            user_id=done.user_id,
            completion=done.completion,
            source_key=done.source_key,
            starts_on=done.starts_on,
            ends_on=done.ends_on,
            achievement=done.achievement,
            actor=actor,
            now=now,
        )
        new += created
    return new


def issue_now(*, program: Program, actor: User) -> int:
    """The organiser's "issue due certificates now" (the tick does the same on its own)."""
    _require_organiser(actor, program)
    if not settings_for(program).certificates_enabled:
        raise ServiceError(_("Switch certificates on first."))
    return issue_due_certificates(program=program, actor=actor)


@transaction.atomic
def revoke_certificate(*, certificate: Certificate, actor: User, reason: str = "") -> Certificate:
    """An organiser revokes a certificate: its link then says so. Revoking twice is a no-op."""
    locked = relock(certificate, "program")
    _require_organiser(actor, locked.program)
    if len(reason or "") > REASON_MAX_LENGTH:
        raise ServiceError(
            _("At most %(n)d characters, please.") % {"n": REASON_MAX_LENGTH}, field="reason"
        )
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.revoke_reason = (reason or "").strip()
    audit.saved(
        locked,
        actor=actor,
        action="recognition.certificate_revoked",
        update_fields=["revoked_at", "revoked_by", "revoke_reason"],
        reason=locked.revoke_reason,
    )
    return locked


# ----------------------------------------------------------------------------- celebration
@transaction.atomic
def publish_celebration(
    *,
    program: Program,
    actor: User,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
) -> Celebration:
    """Publish the period's summary on the programme (organisers only): the figures as they
    are now, and the quotes members chose to share."""
    from peerly.recognition import selectors

    _require_organiser(actor, program)
    heading = _text(title, limit=200, field="title", empty=_("Give it a title."))
    if ends_on < starts_on:
        raise ServiceError(_("The end date is before the start date."), field="ends_on")
    summary = selectors.celebration_summary(program=program, starts_on=starts_on, ends_on=ends_on)
    item = Celebration.objects.create(
        program=program,
        title=heading,
        starts_on=starts_on,
        ends_on=ends_on,
        figures=summary.figures,
        quotes=[[q.source, q.pk] for q in summary.quotes],
        published_at=timezone.now(),
        published_by=actor,
    )
    audit.record(actor=actor, action="recognition.celebration_published", obj=item)
    transaction.on_commit(lambda: announce_celebration(celebration_id=item.pk))
    return item


def announce_celebration(*, celebration_id: int) -> None:
    """The hook for posting a published celebration to the programme's chat channel (the
    notifications issue builds chat webhooks). Today it does nothing; the chat work replaces
    the body with one call to its outgoing-webhook service."""
    return None


# ----------------------------------------------------------------------------- account deletion
def forget_member(*, user: User) -> dict[str, int]:
    """What accounts.ownership.delete_account removes: the member's kudos (sent and received),
    testimonials and badges; their certificates are revoked (the links then say so)."""
    counts = {
        "kudos": Kudos.objects.filter(sender=user).delete()[0]
        + Kudos.objects.filter(recipient=user).delete()[0],
        "testimonials": Testimonial.objects.filter(author=user).delete()[0],
        "badges": BadgeAward.objects.filter(user=user).delete()[0],
        "certificates_revoked": Certificate.objects.filter(
            user=user, revoked_at__isnull=True
        ).update(revoked_at=timezone.now(), revoke_reason="account deleted"),
    }
    return counts
