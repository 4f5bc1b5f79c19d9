"""Circle state changes: one function per action, atomic, audited, emails after commit."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy

from peerly.accounts.models import Profile
from peerly.accounts.models import User
from peerly.accounts.models import Visibility
from peerly.accounts.selectors import visible_q
from peerly.circles import emails
from peerly.circles import rotation
from peerly.circles import selectors
from peerly.circles import slots
from peerly.circles.matching_bridge import FormationPlan
from peerly.circles.matching_bridge import plan_formation
from peerly.circles.models import MAX_CIRCLE_SIZE
from peerly.circles.models import MIN_CIRCLE_SIZE
from peerly.circles.models import Attendance
from peerly.circles.models import AttendanceStatus
from peerly.circles.models import Block
from peerly.circles.models import Circle
from peerly.circles.models import CircleMember
from peerly.circles.models import CircleSession
from peerly.circles.models import CircleSettings
from peerly.circles.models import KnownPerson
from peerly.circles.models import Season
from peerly.circles.models import SessionStatus
from peerly.circles.models import SlotOption
from peerly.circles.models import SlotStatus
from peerly.circles.models import SlotVote
from peerly.core import audit
from peerly.core import timezones
from peerly.core.db import relock
from peerly.core.errors import ServiceError
from peerly.core.statemachine import Transitions
from peerly.growth import actions as growth_actions
from peerly.growth.models import ActionItem
from peerly.growth.models import Goal
from peerly.programs import services as program_services
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind

NOT_CIRCLES = "This programme does not run peer-coaching circles."
# The circles' state machines, one table each (core.statemachine): action -> from states.
SLOT_MACHINE = Transitions(
    {"vote": (SlotStatus.VOTING,), "decide": (SlotStatus.VOTING,)},
    labels=SlotStatus,
    words={
        "vote": gettext_lazy("vote on the slot of"),
        "decide": gettext_lazy("decide the slot of"),
    },
    noun=gettext_lazy("circle"),
)
SESSION_MACHINE = Transitions(
    {
        "record_attendance": (SessionStatus.SCHEDULED, SessionStatus.HELD),  # held: a correction
        "reschedule": (SessionStatus.SCHEDULED,),
        "cancel": (SessionStatus.SCHEDULED,),
    },
    labels=SessionStatus,
    words={
        "record_attendance": gettext_lazy("record attendance for"),
        "reschedule": gettext_lazy("move"),
    },
    noun=gettext_lazy("session"),
)
VOTE_LEAD = dt.timedelta(days=1)  # the first session is at least a day after the vote closes


# ------------------------------------------------------------------------------ settings
def create_settings(*, program: Program) -> CircleSettings:
    """Create the programme's circle settings with defaults (idempotent): called when a circle
    programme is created, in its transaction (Kind.create_settings). A circle needs three to
    four people, so the programme's group size is normalised as the old first read did."""
    if program.kind != ProgramKind.CIRCLE:
        raise ServiceError(NOT_CIRCLES)
    with transaction.atomic():
        size = max(MIN_CIRCLE_SIZE, min(program.group_size, MAX_CIRCLE_SIZE))
        if size != program.group_size:
            Program.objects.filter(pk=program.pk).update(group_size=size)
            program.group_size = size
        row, created = CircleSettings.objects.get_or_create(program=program)
        if created:
            audit.record(actor=None, action="circles.settings_create", obj=row)
    row.program = program
    return row


def get_settings(*, program: Program) -> CircleSettings:
    """The programme's circle settings (never created here: see `create_settings`)."""
    return selectors.get_circle_settings(program=program)


PROGRAM_SETTINGS = ("group_size",)  # edited on the settings page, stored on the programme


@transaction.atomic
def update_settings(*, actor: User, program: Program, values: Mapping[str, Any]) -> CircleSettings:
    """Change the circle settings; `group_size` is written to the programme (its one home)."""
    current = get_settings(program=program)
    circle_settings = CircleSettings.objects.select_for_update().get(pk=current.pk)
    locked = Program.objects.select_for_update().get(pk=program.pk)
    circle_settings.program = locked
    changed: dict[str, Any] = {}
    for name, value in values.items():
        target = locked if name in PROGRAM_SETTINGS else circle_settings
        if getattr(target, name) != value:
            changed[name] = value
            setattr(target, name, value)
    if "group_size" in changed and not (
        MIN_CIRCLE_SIZE <= changed["group_size"] <= MAX_CIRCLE_SIZE
    ):
        raise ServiceError(gettext("Circles have 3 or 4 members."), field="group_size")
    if changed:
        circle_settings.save()
        if PROGRAM_SETTINGS[0] in changed:
            locked.save(update_fields=["group_size", "updated_at"])
            program.group_size = locked.group_size
        audit.record(
            actor=actor,
            action="circles.settings",
            obj=circle_settings,
            data={k: str(v) for k, v in changed.items()},
        )
    return circle_settings


# ----------------------------------------------------------------------------- formation
def next_season_number(*, program: Program) -> int:
    last = Season.objects.filter(program=program).order_by("-number").first()
    return 1 if last is None else last.number + 1


def default_start(*, today: dt.date | None = None) -> dt.date:
    """Next Monday (a full week for the slot vote)."""
    today = today or timezone.localdate()
    return today + dt.timedelta(days=7 - today.weekday())


def running_seasons(*, program: Program, starts_on: dt.date) -> list[Season]:
    """Seasons of `program` still running on the dates a season starting `starts_on` covers."""
    weeks = get_settings(program=program).season_weeks
    ends_on = starts_on + dt.timedelta(weeks=weeks)
    return list(
        Season.objects.filter(program=program, starts_on__lt=ends_on, ends_on__gt=starts_on)
    )


def _busy_members(seasons: Sequence[Season]) -> set[int]:
    return set(
        CircleMember.objects.filter(season__in=list(seasons)).values_list("user_id", flat=True)
    )


def overlap_warning(seasons: Sequence[Season]) -> str:
    if not seasons:
        return ""
    names = ", ".join(f"season {s.number} (until {s.ends_on:%d %b %Y})" for s in seasons)
    return (
        f"A season still runs then: {names}. Its members stay in their circles and are not "
        "placed in this one; only the others get a circle. Tick “start anyway” to publish."
    )


def preview_season(
    *, program: Program, seed: int, starts_on: dt.date, strategy: str | None = None
) -> FormationPlan:
    """What publishing with this seed would create (members of a season still running then
    are left out). Nothing is saved."""
    return plan_formation(
        program=program,
        settings=get_settings(program=program),
        starts_on=starts_on,
        seed=seed,
        strategy=strategy,
        busy_user_ids=_busy_members(running_seasons(program=program, starts_on=starts_on)),
    )


def member_hours(user_ids: Sequence[int]) -> dict[int, slots.MemberHours]:
    users = User.objects.filter(pk__in=list(user_ids)).select_related("profile")
    users = users.prefetch_related("profile__windows")
    return {
        u.pk: slots.MemberHours(
            user_id=u.pk,
            zone=u.profile.timezone or "UTC",
            windows=tuple(
                (w.weekday, w.start_minute, w.end_minute) for w in u.profile.windows.all()
            ),
        )
        for u in users
    }


def publish_season(
    *,
    actor: User | None,
    program: Program,
    number: int,
    seed: int,
    starts_on: dt.date,
    strategy: str | None = None,
    allow_overlap: bool = False,
) -> tuple[Season, bool]:
    """Form and save season `number`'s circles. Returns (season, created).

    Idempotent and safe under concurrency: the programme row is locked, and a season that
    already has this number is returned unchanged (two organisers pressing publish at once get
    one set of circles); the unique constraint on (programme, number) is the backstop.

    A season that overlaps one still running needs `allow_overlap`; then the running
    season's members are not placed (nobody sits in two circles of a programme at once:
    checked under the same programme lock, so a concurrent publish cannot slip past it).
    Each circle's slot zone is the zone most of its members live in.
    """
    circle_settings = get_settings(program=program)
    with transaction.atomic():
        Program.objects.select_for_update().get(pk=program.pk)
        existing = program_services.published_draw(
            Season,
            program=program,
            number=number,
            expected=next_season_number(program=program),
            message=gettext("The next season is number %(expected)s; reload the page."),
        )
        if existing is not None:
            return existing, False
        running = running_seasons(program=program, starts_on=starts_on)
        if running and not allow_overlap:
            raise ServiceError(overlap_warning(running), field="allow_overlap")
        busy = _busy_members(running)
        plan = plan_formation(
            program=program,
            settings=circle_settings,
            starts_on=starts_on,
            seed=seed,
            strategy=strategy,
            busy_user_ids=busy,
        )
        if not plan.circles:
            raise ServiceError(gettext("No circle can be formed: see the reasons in the preview."))
        if busy & {u for c in plan.circles for u in c.user_ids}:  # pragma: no cover - backstop
            raise ServiceError(
                gettext("Someone would sit in two circles at once; nothing was saved.")
            )
        season = Season.objects.create(
            program=program,
            number=number,
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(weeks=circle_settings.season_weeks),
            seed=seed,
            strategy=strategy or circle_settings.strategy,
            published_by=actor,
            unmatched=[
                {"user_id": u.user_id, "reason": u.reason, "detail": u.detail, "message": u.message}
                for u in plan.unmatched
            ],
            metrics=plan.metrics,
        )
        hours = member_hours([u for c in plan.circles for u in c.user_ids])
        zone_shown = set(
            Profile.objects.filter(user_id__in=list(hours))
            .filter(visible_q(field="timezone", level=Visibility.PROGRAMMES))
            .values_list("user_id", flat=True)
        )
        for index, planned in enumerate(plan.circles, start=1):
            members = [hours[u] for u in planned.user_ids]
            # only zones members show their circle: the page names the circle's zone
            zone = slots.majority_zone([m.zone for m in members if m.user_id in zone_shown])
            circle = Circle.objects.create(
                season=season,
                program=program,
                number=index,
                timezone=zone,
                common_windows=[list(w) for w in planned.common_windows],
                shared_interests=list(planned.shared_interests),
                overlap_hours=planned.overlap_hours,
                repeat_pairs=len(planned.repeat_pairs),
            )
            CircleMember.objects.bulk_create(
                [
                    CircleMember(circle=circle, season=season, user_id=uid, position=pos)
                    for pos, uid in enumerate(planned.user_ids)
                ]
            )
            offers = slots.offer_slots(
                members,
                zone=zone,
                minutes=circle_settings.session_minutes,
                season_start=season.starts_on,
                season_end=season.ends_on,
            )
            SlotOption.objects.bulk_create(
                [
                    SlotOption(
                        circle=circle,
                        minute_of_week=o.minute_of_week,
                        first_start_at=o.first_start_at,
                        conflicts=[
                            {"on": c.on.isoformat(), "user_ids": list(c.user_ids)}
                            for c in o.conflicts
                        ],
                    )
                    for o in offers
                ]
            )
        audit.record(
            actor=actor,
            action="circles.season.publish",
            obj=season,
            data={"seed": seed, "overlaps": [s.number for s in running], **plan.metrics},
        )
        emails.season_published(season)
    return season, True


# ------------------------------------------------------------------------------- slots
def _membership(user: User, circle: Circle) -> CircleMember:
    member = CircleMember.objects.filter(circle=circle, user=user).first()
    if member is None:
        raise ServiceError(gettext("Only this circle's members can do that."))
    return member


@transaction.atomic
def vote_slots(
    *, user: User, circle: Circle, option_ids: Iterable[int], now: dt.datetime | None = None
) -> Circle:
    """Record which offered slots suit `user` (replacing an earlier vote). When every member
    has voted the slot is decided."""
    now = now or timezone.now()
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    SLOT_MACHINE.check(circle.slot_status, "vote")
    member = _membership(user, circle)
    wanted = set(option_ids)
    options = {o.pk for o in circle.slot_options.all()}
    if not wanted <= options:
        raise ServiceError(gettext("Choose among the offered slots."))
    SlotVote.objects.filter(option__circle=circle, user=user).delete()
    SlotVote.objects.bulk_create([SlotVote(option_id=o, user=user) for o in sorted(wanted)])
    member.voted_at = now
    member.save(update_fields=["voted_at"])
    audit.record(
        actor=user,
        action="circles.slot.vote",
        obj=circle,
        data={"options": sorted(wanted)},
    )
    if not circle.memberships.filter(voted_at__isnull=True).exists():
        return _decide(actor=user, circle=circle, now=now)
    return circle


def winning_option(circle: Circle) -> SlotOption | None:
    """Most votes; ties go to the earliest first session."""
    options = list(circle.slot_options.annotate(n=Count("votes")))
    if not options:
        return None
    return min(options, key=lambda o: (-o.n, o.first_start_at, o.minute_of_week))


@transaction.atomic
def close_vote(*, actor: User, circle: Circle, now: dt.datetime | None = None) -> Circle:
    """A member or an organiser closes the vote: the best-supported slot wins."""
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    if circle.slot_status != SlotStatus.VOTING:
        return circle  # idempotent
    return _decide(actor=actor, circle=circle, now=now or timezone.now())


def _decide(*, actor: User | None, circle: Circle, now: dt.datetime) -> Circle:
    SLOT_MACHINE.check(circle.slot_status, "decide")
    option = winning_option(circle)
    if option is None:
        raise ServiceError(gettext("This circle has no common slot to choose from."))
    season = circle.season
    circle_settings = get_settings(program=circle.program)
    starts = slots.session_starts(
        option.minute_of_week,
        zone=circle.timezone,
        season_start=season.starts_on,
        season_end=season.ends_on,
        interval_weeks=circle_settings.interval_weeks,
        not_before=now + VOTE_LEAD,
    )
    if not starts:
        raise ServiceError(gettext("No session fits before the end of the season."))
    circle.slot_status = SlotStatus.SCHEDULED
    circle.slot_minute = option.minute_of_week
    circle.decided_at = now
    circle.save(update_fields=["slot_status", "slot_minute", "decided_at", "updated_at"])
    CircleSession.objects.bulk_create(
        [
            CircleSession(
                circle=circle,
                number=i,
                original_starts_at=start,
                starts_at=start,
                duration_minutes=circle_settings.session_minutes,
            )
            for i, start in enumerate(starts, start=1)
        ]
    )
    audit.record(
        actor=actor,
        action="circles.slot.decide",
        obj=circle,
        data={
            "minute_of_week": option.minute_of_week,
            "timezone": circle.timezone,
            "sessions": len(starts),
        },
    )
    _send_series(circle, reason="invitation")
    return circle


def _send_series(circle: Circle, *, reason: str) -> None:
    emails.series_sent(circle, reason=reason, now=timezone.now())


def _calendar_changed(
    circle: Circle,
    session: CircleSession,
    *,
    actor: User,
    action: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """The series' sessions changed (`action` on `session`: reschedule, cancel): bump its
    sequence so calendar apps replace the old copy, and audit the change."""
    circle.calendar_sequence += 1
    circle.save(update_fields=["calendar_sequence", "updated_at"])
    audit.record(
        actor=actor,
        action=f"circles.session.{action}",
        obj=session,
        program_id=circle.program_id,
        reason=reason,
        data=data,
    )


# ---------------------------------------------------------------------------- sessions
def served_counts(circle: Circle, *, before: int) -> dict[int, dict[str, int]]:
    """How often each member held each role in this circle's sessions numbered < `before`."""
    served: dict[int, dict[str, int]] = {}
    for block in Block.objects.filter(session__circle=circle, session__number__lt=before):
        for role in rotation.ROLES:
            person = getattr(block, f"{role}_id")
            served.setdefault(person, dict.fromkeys(rotation.ROLES, 0))[role] += 1
    return served


def planned_roles(
    session: CircleSession, member_ids: Sequence[int], present: Iterable[int] | None = None
) -> tuple[rotation.BlockRoles[int], ...]:
    return rotation.assign_roles(
        list(member_ids),
        set(member_ids if present is None else present),
        session_number=session.number,
        served=served_counts(session.circle, before=session.number),
    )


@transaction.atomic
def record_attendance(
    *,
    actor: User,
    session: CircleSession,
    present_ids: Iterable[int],
    now: dt.datetime | None = None,
) -> CircleSession:
    """Who attended. Marks the session held and assigns the blocks' roles (fairly, from the
    people present). Roles are re-assigned on a correction only while no notes exist."""
    now = now or timezone.now()
    session = CircleSession.objects.select_for_update().select_related("circle").get(pk=session.pk)
    _membership(actor, session.circle)
    SESSION_MACHINE.check(session.status, "record_attendance")
    if session.starts_at - now > dt.timedelta(hours=1):
        raise ServiceError(gettext("Attendance can be recorded from an hour before the session."))
    member_ids = list(session.circle.memberships.values_list("user_id", flat=True))
    present = set(present_ids) & set(member_ids)
    if len(present) < 2:
        raise ServiceError(gettext("A session needs at least two people present."))
    Attendance.objects.filter(session=session).delete()
    Attendance.objects.bulk_create(
        [
            Attendance(
                session=session,
                user_id=uid,
                status=AttendanceStatus.PRESENT if uid in present else AttendanceStatus.ABSENT,
            )
            for uid in member_ids
        ]
    )
    blocks = list(session.blocks.all())
    if not any(b.has_notes or b.actions.exists() for b in blocks):
        session.blocks.all().delete()
        Block.objects.bulk_create(
            [
                Block(
                    session=session,
                    position=r.position,
                    coachee_id=r.coachee,
                    coach_id=r.coach,
                    note_taker_id=r.note_taker,
                )
                for r in planned_roles(session, member_ids, present)
            ]
        )
    session.status = SessionStatus.HELD
    session.held_at = session.held_at or now
    audit.saved(
        session,
        actor=actor,
        action="circles.session.attendance",
        program_id=session.circle.program_id,
        data={"present": len(present), "expected": len(member_ids)},
        update_fields=["status", "held_at", "updated_at"],
    )
    return session


@transaction.atomic
def save_block(
    *,
    actor: User,
    block: Block,
    notes: Mapping[str, str],
    new_actions: Sequence[Mapping[str, Any]] = (),
    delete_action_ids: Iterable[int] = (),
) -> Block:
    """The note-taker (during the session) or the coachee (any time) writes the block.

    Agreed actions become action items of their owner (the coachee unless another member of
    the circle is named)."""
    block = Block.objects.select_for_update().select_related("session__circle").get(pk=block.pk)
    if actor.pk not in (block.note_taker_id, block.coachee_id):
        raise ServiceError(gettext("Only this block's note-taker and coachee can edit it."))
    circle = block.session.circle
    member_ids = set(circle.memberships.values_list("user_id", flat=True))
    for name in Block.NOTE_FIELDS:
        if name in notes:
            setattr(block, name, str(notes[name]).strip()[:10000])
    block.updated_by = actor
    block.updated_at = timezone.now()
    block.save()
    growth_actions.remove_block_actions(block=block, action_ids=delete_action_ids)
    created = growth_actions.create_block_actions(
        block=block, member_ids=member_ids, rows=new_actions
    )
    audit.record(
        actor=actor,
        action="circles.block.save",
        obj=block,
        program_id=circle.program_id,
        data={"actions_added": len(created)},
    )
    return block


def update_action(
    *, actor: User, action: ActionItem, status: str, session: CircleSession | None = None
) -> ActionItem:
    """Set a circle action item's status: one rule for every kind of action, in
    `growth.actions.set_action_status` (its owner only, while a member of the circle)."""
    return growth_actions.set_action_status(
        action=action, actor=actor, status=status, session=session
    )


@transaction.atomic
def link_block_goal(*, actor: User, block: Block, goal: Goal | None) -> Block:
    """The coachee (only) links the block's issue to one of their own active goals, or
    unlinks it (`goal=None`). Their actions from this block follow the link; actions agreed
    in the block later get it too. The audit row names no goal."""
    locked = relock(block, "session__circle")
    if actor.pk != locked.coachee_id:
        raise ServiceError(gettext("Only the coachee links their issue to one of their goals."))
    new_id = goal.pk if goal is not None else None
    if locked.goal_id == new_id:
        return locked
    if goal is not None and not growth_actions.active_goals_of(actor).filter(pk=goal.pk).exists():
        raise ServiceError(gettext("Choose one of your active goals."), field="goal")
    old_id = locked.goal_id
    locked.goal_id = new_id
    locked.save(update_fields=["goal"])
    growth_actions.relink_block_actions(block=locked, old_goal_id=old_id)
    audit.record(
        actor=actor,
        action="circles.block.goal_linked" if new_id else "circles.block.goal_unlinked",
        obj=locked,
        program_id=locked.session.circle.program_id,
    )
    return locked


@transaction.atomic
def reschedule_session(
    *,
    actor: User,
    session: CircleSession,
    starts_at: dt.datetime,
    scope: str = "this",
    now: dt.datetime | None = None,
) -> CircleSession:
    """Move one session ("this") or it and every later scheduled one ("following") by the
    same amount of wall-clock time in the circle's zone (a move from 14:00 to 15:00 is 15:00
    on every following date, across daylight-saving changes); members get the updated
    calendar (SEQUENCE + 1)."""
    now = now or timezone.now()
    if scope not in ("this", "following"):
        raise ServiceError(
            gettext("Choose this session or this and the following ones."), field="scope"
        )
    if timezone.is_naive(starts_at):
        raise ServiceError(gettext("The new time needs a time zone."))
    session = CircleSession.objects.select_for_update().get(pk=session.pk)
    circle = Circle.objects.select_for_update().get(pk=session.circle_id)
    _membership(actor, circle)
    SESSION_MACHINE.check(session.status, "reschedule")
    if starts_at <= now:
        raise ServiceError(gettext("Pick a time in the future."), field="starts_at")
    zone = timezones.zone(circle.timezone)

    def wall(moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(zone).replace(tzinfo=None)

    delta = wall(starts_at) - wall(session.starts_at)
    if starts_at == session.starts_at:
        return session
    targets = [session]
    if scope == "following":
        targets += list(
            circle.sessions.select_for_update().filter(
                number__gt=session.number, status=SessionStatus.SCHEDULED
            )
        )
    ordered = {s.number: s for s in circle.sessions.all()}
    for target in targets:
        target.starts_at = (
            starts_at
            if target is session
            else (wall(target.starts_at) + delta).replace(tzinfo=zone).astimezone(dt.UTC)
        )
        ordered[target.number] = target
    times = [
        ordered[n].starts_at
        for n in sorted(ordered)
        if ordered[n].status != SessionStatus.CANCELLED
    ]
    if any(b <= a for a, b in itertools.pairwise(times)):
        raise ServiceError(
            gettext("Sessions must stay in order: pick a time before the next one."),
            field="starts_at",
        )
    for target in targets:
        target.reminder_sent_at = None
        target.save(update_fields=["starts_at", "reminder_sent_at", "updated_at"])
    minutes = int(delta.total_seconds() // 60)
    _calendar_changed(
        circle,
        session,
        actor=actor,
        action="reschedule",
        data={"scope": scope, "minutes": minutes, "sessions": len(targets)},
    )
    _send_series(circle, reason="update")
    session.refresh_from_db()
    return session


@transaction.atomic
def cancel_session(*, actor: User, session: CircleSession, reason: str = "") -> CircleSession:
    session = CircleSession.objects.select_for_update().get(pk=session.pk)
    circle = Circle.objects.select_for_update().select_related("program").get(pk=session.circle_id)
    _membership(actor, circle)
    if session.status == SessionStatus.CANCELLED:
        return session
    SESSION_MACHINE.check(session.status, "cancel")
    session.status = SessionStatus.CANCELLED
    session.cancel_reason = reason.strip()[:1000]
    session.save(update_fields=["status", "cancel_reason", "updated_at"])
    _calendar_changed(circle, session, actor=actor, action="cancel", reason=session.cancel_reason)
    emails.session_cancelled(circle, session, actor=actor)
    return session


# ------------------------------------------------------------------------- known people
@transaction.atomic
def add_known_person(*, owner: User, program: Program, other: User) -> KnownPerson:
    if other.pk == owner.pk:
        raise ServiceError(gettext("You cannot add yourself."), field="other")
    if not program.enrollments.filter(user=other, status=EnrollmentStatus.ACTIVE).exists():
        raise ServiceError(gettext("Choose an active member of this programme."), field="other")
    known, _ = KnownPerson.objects.get_or_create(owner=owner, program=program, other=other)
    return known


def remove_known_person(*, owner: User, program: Program, other_id: int) -> int:
    deleted, _ = KnownPerson.objects.filter(
        owner=owner, program=program, other_id=other_id
    ).delete()
    return deleted


# ---------------------------------------------------------------------------- reminders
def send_reminders(*, now: dt.datetime) -> int:
    """Email each member once before every scheduled session (within `reminder_hours`)."""
    sent = 0
    horizon = now + dt.timedelta(hours=48)
    due = CircleSession.objects.filter(
        status=SessionStatus.SCHEDULED,
        starts_at__gt=now,
        starts_at__lte=horizon,
        reminder_sent_at__isnull=True,
    ).select_related("circle__program__circle_settings")
    for session in due:
        hours = session.circle.program.circle_settings.reminder_hours
        if session.starts_at - now > dt.timedelta(hours=hours):
            continue
        with transaction.atomic():
            claimed = CircleSession.objects.filter(
                pk=session.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            emails.session_reminder(session)
            sent += 1
    return sent
