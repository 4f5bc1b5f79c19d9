"""Coffee round state changes: settings, drawing and publishing rounds, members' choices,
meeting times, check-ins, and the periodic work `tick` runs. Atomic and audited."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from django.core import signing
from django.db import IntegrityError
from django.db import transaction
from django.db.models import Max
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy

from peerly.accounts.models import DoNotPair
from peerly.accounts.models import User
from peerly.core import audit
from peerly.core.db import relock
from peerly.core.errors import ServiceError
from peerly.core.errors import TransitionError
from peerly.core.models import AuditEvent
from peerly.core.statemachine import Transitions
from peerly.core.statemachine import apply_transition
from peerly.programs import services as program_services
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.programs.models import ProgramStatus
from peerly.programs.selectors import list_active_members
from peerly.rounds import emails
from peerly.rounds import matching_bridge
from peerly.rounds import schedule
from peerly.rounds import selectors
from peerly.rounds.models import COFFEE_CADENCES
from peerly.rounds.models import MAX_GROUP_SIZE
from peerly.rounds.models import MET_ANSWERS
from peerly.rounds.models import MIN_GROUP_SIZE
from peerly.rounds.models import CheckinAnswer
from peerly.rounds.models import ChoiceKind
from peerly.rounds.models import CoffeeSettings
from peerly.rounds.models import GroupMember
from peerly.rounds.models import OptInMode
from peerly.rounds.models import Round
from peerly.rounds.models import RoundChoice
from peerly.rounds.models import RoundGroup
from peerly.rounds.models import RoundStatus
from peerly.rounds.models import UnmatchedMember
from peerly.rounds.suggestions import pick_suggestions

REASK_AFTER = dt.timedelta(days=2)
REMINDER_DAYS_BEFORE = 2  # remind groups without a time this many days before meet-by
DUE_GRACE = dt.timedelta(days=2)  # a missed draw still happens if cron is back this soon
CLOSE_AFTER_DAYS = 14  # a round closes this many days after meet-by (answers still accepted)
SILENT_ROUNDS = 3
SAVE_BATCH = 1000  # rows per INSERT when a round is saved
RESUME_SALT = "peerly.rounds.resume"

logger = logging.getLogger(__name__)


class RoundOverlapError(ServiceError):
    """A new round's meeting window would overlap a round that is still open."""

    def __init__(self, message: str, *, overlapping: list[Round]) -> None:
        super().__init__(message)
        self.overlapping = overlapping


NOT_DRAWN_LABELS = {
    "paused": "paused their participation",
    "profile_paused": "paused all programmes until a later date",
    "skipped": "skipped this round",
    "not_opted_in": "did not opt in to this round",
    "resting": "asked to meet less often than the programme runs",
}


# ------------------------------------------------------------------------------ settings
CADENCE_MESSAGE = "Coffee rounds are weekly, every two weeks or monthly."
GROUP_SIZE_MESSAGE = f"Coffee groups have {MIN_GROUP_SIZE} to {MAX_GROUP_SIZE} people."


def create_settings(*, program: Program) -> CoffeeSettings:
    """Create the programme's coffee settings with defaults (idempotent): called when a
    coffee programme is created, in the same transaction."""
    if program.kind != ProgramKind.COFFEE:
        raise ServiceError(gettext("Only coffee programmes have rounds."))
    with transaction.atomic():
        row, created = CoffeeSettings.objects.get_or_create(program=program)
        if created:
            audit.record(actor=None, action="rounds.settings_create", obj=row)
    row.program = program
    return row


def program_field_errors(*, program: Program) -> dict[str, str]:
    """What a coffee programme's own fields must satisfy: {field: message}, empty if fine."""
    errors = {}
    if program.cadence not in COFFEE_CADENCES:
        errors["cadence"] = CADENCE_MESSAGE
    if not MIN_GROUP_SIZE <= program.group_size <= MAX_GROUP_SIZE:
        errors["group_size"] = GROUP_SIZE_MESSAGE
    return errors


SETTINGS_FIELDS = (
    "draw_weekday",
    "draw_week_of_month",
    "draw_time",
    "meet_window_days",
    "prompts",
    "team_rule",
    "min_overlap_hours",
    "meeting_minutes",
    "opt_in_mode",
    "auto_publish",
)
PROGRAM_FIELDS = ("cadence", "group_size")  # the programme's own: one source of truth


@transaction.atomic
def update_settings(*, actor: User, program: Program, data: Mapping[str, Any]) -> CoffeeSettings:
    """Save the round settings; cadence and group size are written to the programme."""
    current = selectors.get_coffee_settings(program=program)
    locked_program = Program.objects.select_for_update().get(pk=program.pk)
    settings_row = CoffeeSettings.objects.select_for_update().get(pk=current.pk)
    settings_row.program = locked_program
    changed = {}
    for name in PROGRAM_FIELDS:
        if name in data and getattr(locked_program, name) != data[name]:
            setattr(locked_program, name, data[name])
            changed[name] = str(data[name])
    errors = program_field_errors(program=locked_program)
    if errors:
        name, message = next(iter(errors.items()))
        raise ServiceError(message, field=name)
    for name in SETTINGS_FIELDS:
        if name in data and getattr(settings_row, name) != data[name]:
            setattr(settings_row, name, data[name])
            changed[name] = str(data[name])
    if changed:
        locked_program.save(update_fields=[*PROGRAM_FIELDS, "updated_at"])
        audit.saved(settings_row, actor=actor, action="rounds.settings", data=changed)
    for name in PROGRAM_FIELDS:
        setattr(program, name, getattr(locked_program, name))
    return settings_row


def cadence_of(settings_row: CoffeeSettings) -> schedule.Cadence | None:
    """The draw schedule, or None when the programme has no fixed rounds."""
    program = settings_row.program
    if program.cadence not in COFFEE_CADENCES:
        return None
    return schedule.Cadence(
        kind=program.cadence,
        weekday=settings_row.draw_weekday,
        week_of_month=settings_row.draw_week_of_month,
        time=settings_row.draw_time,
        starts_on=program.starts_on,
        ends_on=program.ends_on,
    )


def next_draw_at(settings_row: CoffeeSettings, now: dt.datetime) -> dt.datetime | None:
    cadence = cadence_of(settings_row)
    return None if cadence is None else schedule.next_slot(cadence, now)


def next_round_number(program: Program) -> int:
    last = Round.objects.filter(program=program).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


# ------------------------------------------------------------------------------- drawing
def list_overlapping_open_rounds(*, program: Program, meets_from: dt.date) -> list[Round]:
    """Published rounds whose meeting window has not ended by `meets_from` (the first
    meeting day of a new round): drawing now would give their members a second group."""
    return list(
        Round.objects.filter(
            program=program, status=RoundStatus.PUBLISHED, meet_by__gte=meets_from
        ).order_by("number")
    )


def rounds_in_the_way(*, program: Program, now: dt.datetime) -> list[Round]:
    """Open rounds that a round drawn at `now` would overlap."""
    meets_from, _ = schedule.meet_window(
        now.astimezone(dt.UTC).date(),
        selectors.get_coffee_settings(program=program).meet_window_days,
    )
    return list_overlapping_open_rounds(program=program, meets_from=meets_from)


def overlap_message(overlapping: list[Round], number: int) -> str:
    first = overlapping[0]
    others = "" if len(overlapping) == 1 else f" (and {len(overlapping) - 1} more)"
    return (
        f"Round {first.number} is still open (members meet until "
        f"{first.meet_by:%A} {first.meet_by.day} {first.meet_by:%B}){others}; round {number} "
        "would overlap it and members would get two groups at once. Wait until it is over, "
        "or choose “open anyway” (command line: --allow-overlap) to overlap them on purpose."
    )


@dataclass
class Preview:
    program: Program
    number: int
    seed: int
    meets_from: dt.date
    meet_by: dt.date
    draw: matching_bridge.Draw
    users: dict[int, User]
    candidates: list[matching_bridge.Candidate]
    not_drawn: list[tuple[int, str]] = field(default_factory=list)  # (user id, code)
    overlapping: list[Round] = field(default_factory=list)  # open rounds this would overlap

    @property
    def overlap_warning(self) -> str:
        return overlap_message(self.overlapping, self.number) if self.overlapping else ""

    @property
    def figures(self) -> dict[str, Any]:
        m = self.draw.metrics
        return {
            "participants": len(self.candidates),
            "groups": len(self.draw.groups),
            "matched": sum(len(g.user_ids) for g in self.draw.groups),
            "unmatched": len(self.draw.unmatched),
            "not_drawn": len(self.not_drawn),
            "repeat_pairs": m.get("repeat_pairs", 0),
            "unavoidable_repeat_pairs": m.get("unavoidable_repeat_pairs", 0),
            "cross_team_rate": m.get("cross_team_rate", 0.0),
            "mean_overlap_hours": m.get("mean_overlap_hours", 0.0),
        }


def _history(program: Program) -> list[tuple[int, list[int], str]]:
    rows: dict[int, tuple[int, list[int]]] = {}
    for group_id, number, user_id in (
        GroupMember.objects.filter(round__program=program)
        .values_list("group_id", "round__number", "user_id")
        .order_by("group_id", "user_id")
    ):
        rows.setdefault(group_id, (number, []))[1].append(user_id)
    return [(number, ids, str(gid)) for gid, (number, ids) in rows.items()]


def _frequency(user: User) -> str:
    profile = getattr(user, "profile", None)
    return profile.frequency if profile is not None else ""


def member_rests(*, user: User, program: Program, draw_day: dt.date) -> bool:
    """Whether `user` sits out the round drawn on `draw_day` for their chosen frequency (the
    rule of `collect_candidates`, for the member's own page). One query: the frequency and the
    last round the member was drawn in."""
    frequency, last = selectors.frequency_and_last_drawn(user=user, program=program)
    return schedule.rests(
        frequency=frequency, cadence=program.cadence, last_drawn=last, draw_day=draw_day
    )


def collect_candidates(
    *, program: Program, number: int, draw_day: dt.date
) -> tuple[list[matching_bridge.Candidate], dict[int, User], list[tuple[int, str]]]:
    """Who is drawn for round `number`, and who is not (with the reason code)."""
    settings_row = selectors.get_coffee_settings(program=program)
    enrollments = list(list_active_members(program=program))
    choices = dict(
        RoundChoice.objects.filter(program=program, number=number).values_list("user_id", "choice")
    )
    not_drawn: list[tuple[int, str]] = [
        (uid, "paused")
        for uid in Enrollment.objects.filter(
            program=program, status=EnrollmentStatus.PAUSED
        ).values_list("user_id", flat=True)
    ]
    # members who asked to meet less often than the programme runs (and did not opt in to
    # this round): when each was last in a group (one query, for those members only)
    less_often = [
        e.user_id
        for e in enrollments
        if choices.get(e.user_id) != ChoiceKind.OPT_IN
        and schedule.wants_less_often(_frequency(e.user), program.cadence)
    ]
    last_drawn = selectors.last_drawn_days(program=program, user_ids=less_often)
    users: dict[int, User] = {}
    for enrollment in enrollments:
        user = enrollment.user
        profile = getattr(user, "profile", None)
        if profile is not None and profile.paused_until and profile.paused_until >= draw_day:
            not_drawn.append((user.pk, "profile_paused"))
        elif choices.get(user.pk) == ChoiceKind.SKIP:
            not_drawn.append((user.pk, "skipped"))
        elif (
            settings_row.opt_in_mode == OptInMode.PER_ROUND
            and choices.get(user.pk) != ChoiceKind.OPT_IN
        ):
            not_drawn.append((user.pk, "not_opted_in"))
        elif user.pk in last_drawn and schedule.rests(
            frequency=_frequency(user),
            cadence=program.cadence,
            last_drawn=last_drawn[user.pk],
            draw_day=draw_day,
        ):
            not_drawn.append((user.pk, "resting"))
        else:
            users[user.pk] = user
    dnp: dict[int, set[int]] = defaultdict(set)
    for owner, other in DoNotPair.objects.filter(owner_id__in=users).values_list(
        "owner_id", "other_id"
    ):
        dnp[owner].add(other)
    previous = Round.objects.filter(program=program, number=number - 1).first()
    priority = (
        set(UnmatchedMember.objects.filter(round=previous).values_list("user_id", flat=True))
        if previous
        else set()
    )
    candidates = [
        matching_bridge.candidate_from_user(
            user, do_not_pair=dnp.get(uid, ()), priority=1 if uid in priority else 0
        )
        for uid, user in sorted(users.items())
    ]
    return candidates, users, sorted(not_drawn)


def preview_round(
    *, program: Program, seed: int | None = None, now: dt.datetime | None = None
) -> Preview:
    """Propose the next round's groups without saving anything."""
    now = now or timezone.now()
    settings_row = selectors.get_coffee_settings(program=program)
    if not MIN_GROUP_SIZE <= program.group_size <= MAX_GROUP_SIZE:
        raise ServiceError(
            gettext("%(group_size_message)s Change the programme's group size, then draw.")
            % {"group_size_message": GROUP_SIZE_MESSAGE},
            field="group_size",
        )
    number = next_round_number(program)
    seed = number if seed is None else seed
    draw_day = now.astimezone(dt.UTC).date()
    meets_from, meet_by = schedule.meet_window(draw_day, settings_row.meet_window_days)
    candidates, users, not_drawn = collect_candidates(
        program=program, number=number, draw_day=draw_day
    )
    result = matching_bridge.draw(
        candidates=candidates,
        history=_history(program),
        size=settings_row.group_size,
        seed=seed,
        team_rule=settings_row.team_rule,
        min_overlap_hours=float(settings_row.min_overlap_hours),
        reference=meets_from,
    )
    return Preview(
        program=program,
        number=number,
        seed=seed,
        meets_from=meets_from,
        meet_by=meet_by,
        draw=result,
        users=users,
        candidates=candidates,
        not_drawn=not_drawn,
        overlapping=list_overlapping_open_rounds(program=program, meets_from=meets_from),
    )


def publish_round(
    *,
    program: Program,
    actor: User | None,
    number: int | None = None,
    seed: int | None = None,
    now: dt.datetime | None = None,
    automatic: bool = False,
    due_since: dt.datetime | None = None,
    allow_overlap: bool = False,
    notify: bool = True,
) -> tuple[Round, bool]:
    """Draw and publish round `number` (default: the next one). Idempotent and race-safe:
    publishing a number that exists returns that round; returns (round, created).

    `notify`: queue every member's email in the same transaction (the command line and
    `peerly tick`). The publish job (rounds/jobs.py) passes False and queues them after the
    commit, in batches, showing progress; it runs again until they are all queued.

    At most one open round at a time: while a published round's meeting window has not
    ended, a new round is refused (`RoundOverlapError`) unless `allow_overlap`. The check
    runs under a row lock on the programme's coffee settings, so concurrent runs (two
    `peerly rounds run`, two organisers, two ticks) serialise and the later one sees the
    round the earlier one made."""
    now = now or timezone.now()
    if program.status != ProgramStatus.ACTIVE:
        raise ServiceError(gettext("Only active programmes run rounds."))
    settings_row = selectors.get_coffee_settings(program=program)
    with transaction.atomic():
        CoffeeSettings.objects.select_for_update().get(pk=settings_row.pk)
        expected = next_round_number(program)
        if (
            due_since is not None
            and Round.objects.filter(program=program, published_at__gte=due_since).exists()
        ):
            return Round.objects.filter(program=program).order_by("-number").first(), False  # type: ignore[return-value]
        number = expected if number is None else number
        existing = program_services.published_draw(
            Round,
            program=program,
            number=number,
            expected=expected,
            message=gettext(
                "The next round is round %(expected)s; refresh the preview and try again."
            ),
        )
        if existing is not None:
            return existing, False
        overlapping = rounds_in_the_way(program=program, now=now)
        if overlapping and not allow_overlap:
            raise RoundOverlapError(overlap_message(overlapping, number), overlapping=overlapping)
        preview = preview_round(program=program, seed=seed, now=now)
        try:
            with transaction.atomic():
                round_ = _save_round(
                    preview, actor=actor, now=now, automatic=automatic, notify=notify
                )
        except IntegrityError:
            return Round.objects.get(program=program, number=number), False
    return round_, True


def _save_round(
    preview: Preview, *, actor: User | None, now: dt.datetime, automatic: bool, notify: bool
) -> Round:
    program = preview.program
    settings_row = selectors.get_coffee_settings(program=program)
    figures = preview.figures
    round_ = Round.objects.create(
        program=program,
        number=preview.number,
        seed=preview.seed,
        published_at=now,
        published_by=actor if actor is not None and actor.is_authenticated else None,
        is_automatic=automatic,
        meets_from=preview.meets_from,
        meet_by=preview.meet_by,
        metrics={
            **preview.draw.metrics,
            **figures,
            "not_drawn": [{"user_id": u, "reason": r} for u, r in preview.not_drawn],
        },
    )
    by_id = {c.user_id: c for c in preview.candidates}
    not_before = now + dt.timedelta(hours=2)
    groups: list[RoundGroup] = []
    # A group's suggestions depend only on its members' (windows, zone), as a set: groups
    # with the same ones (members who kept the same hours in the same zone) share them.
    suggested: dict[tuple[tuple[Any, str], ...], list[dt.datetime]] = {}
    for n, drawn in enumerate(preview.draw.groups, start=1):
        group_candidates = [by_id[u] for u in drawn.user_ids]
        same = tuple(sorted((c.local_windows, c.timezone) for c in group_candidates))
        if same not in suggested:
            suggested[same] = pick_suggestions(
                matching_bridge.suggestion_intervals(
                    group_candidates, meets_from=preview.meets_from, meet_by=preview.meet_by
                ),
                settings_row.meeting_minutes,
                zones=[c.timezone for c in group_candidates],
                not_before=not_before,
            )
        starts = suggested[same]
        groups.append(
            RoundGroup(
                round=round_,
                number=n,
                score=drawn.score,
                reasons=dict(drawn.reasons),
                common_windows=[list(w) for w in drawn.common_windows],
                suggestions=[s.isoformat() for s in starts],
            )
        )
    # In bulk (10,000 members: a few statements, not 5,000 inserts); PostgreSQL and SQLite
    # return the new ids, so the members can point at their groups.
    RoundGroup.objects.bulk_create(groups, batch_size=SAVE_BATCH)
    GroupMember.objects.bulk_create(
        [
            GroupMember(group=group, round=round_, user_id=u)
            for group, drawn in zip(groups, preview.draw.groups, strict=True)
            for u in drawn.user_ids
        ],
        batch_size=SAVE_BATCH,
    )
    UnmatchedMember.objects.bulk_create(
        [
            UnmatchedMember(round=round_, user_id=u.user_id, reason=u.reason, detail=u.detail[:300])
            for u in preview.draw.unmatched
        ],
        batch_size=SAVE_BATCH,
    )
    audit.record(
        actor=actor,
        action="round.publish",
        obj=round_,
        data={
            "number": round_.number,
            "seed": round_.seed,
            "groups": len(preview.draw.groups),
            "automatic": automatic,
            "overlaps": [r.number for r in preview.overlapping],
        },
    )
    if notify:
        emails.round_published(round_)
    return round_


# ---------------------------------------------------------------------- members' choices
def _live_enrollment(user: User, program: Program) -> Enrollment:
    enrollment = Enrollment.objects.filter(program=program, user=user).first()
    if enrollment is None or enrollment.status not in (
        EnrollmentStatus.ACTIVE,
        EnrollmentStatus.PAUSED,
    ):
        raise ServiceError(gettext("Join the programme first."))
    return enrollment


@transaction.atomic
def set_round_choice(*, user: User, program: Program, choice: str | None) -> int:
    """Skip or opt in to the next round (None removes the choice). Returns its number."""
    _live_enrollment(user, program)
    number = next_round_number(program)
    existing = (
        RoundChoice.objects.select_for_update()
        .filter(program=program, user=user, number=number)
        .first()
    )
    if choice is None:
        if existing is not None:
            existing.delete()
            audit.record(
                actor=user,
                action="round.choice_clear",
                obj=existing,
                data={"number": number},
            )
        return number
    if choice not in ChoiceKind.values:
        raise ServiceError(gettext("Unknown choice."))
    if existing is not None and existing.choice == choice:
        return number
    if existing is None:
        existing = RoundChoice(program=program, user=user, number=number)
    existing.choice = choice
    audit.saved(existing, actor=user, action=f"round.{choice}", data={"number": number})
    return number


# ---------------------------------------------------------------------- meeting times
def _locked_group(group: RoundGroup) -> RoundGroup:
    return relock(group, "round", "round__program")


def _saved(
    row: RoundGroup | GroupMember,
    *,
    actor: User,
    action: str,
    data: dict[str, Any] | None = None,
    update_fields: list[str] | None = None,
) -> None:
    """Save a group's (or a group member's) row and audit `action`, filed under the
    programme of the row's round."""
    program_id = row.round.program_id
    audit.saved(
        row,
        actor=actor,
        action=action,
        program_id=program_id,
        data=data,
        update_fields=update_fields,
    )


def _member_ids(group: RoundGroup) -> list[int]:
    return sorted(GroupMember.objects.filter(group=group).values_list("user_id", flat=True))


def _require_member(user: User, group: RoundGroup) -> list[int]:
    ids = _member_ids(group)
    if user.pk not in ids:
        raise ServiceError(gettext("You are not in this group."))
    return ids


@transaction.atomic
def propose_time(
    *, user: User, group: RoundGroup, start: dt.datetime, now: dt.datetime | None = None
) -> RoundGroup:
    """Propose (or pick a suggested) start; the proposer counts as accepting it."""
    now = now or timezone.now()
    group = _locked_group(group)
    ids = _require_member(user, group)
    if start.tzinfo is None:
        raise ServiceError(gettext("The time needs a time zone."))
    if start < now:
        raise ServiceError(gettext("Please pick a time in the future."), field="start")
    if group.proposed_start == start and user.pk in group.accepted_ids:
        return group
    group.proposed_start = start
    group.proposed_by = user
    group.accepted_ids = [user.pk]
    fields = ["proposed_start", "proposed_by", "accepted_ids"]
    data = {"start": start.isoformat()}
    _saved(group, actor=user, action="round.meeting_propose", data=data, update_fields=fields)
    if len(ids) == 1:
        return _confirm(group, actor=user, now=now)
    emails.meeting_proposed(group, proposer=user, member_ids=ids)
    return group


@transaction.atomic
def accept_time(*, user: User, group: RoundGroup, now: dt.datetime | None = None) -> RoundGroup:
    """Accept the proposed time; once everybody has, the meeting is confirmed."""
    now = now or timezone.now()
    group = _locked_group(group)
    ids = _require_member(user, group)
    if group.proposed_start is None:
        raise TransitionError(gettext("There is no proposed time to accept."))
    if user.pk not in group.accepted_ids:
        group.accepted_ids = sorted({*group.accepted_ids, user.pk})
        _saved(group, actor=user, action="round.meeting_accept", update_fields=["accepted_ids"])
    if set(ids) <= set(group.accepted_ids):
        return _confirm(group, actor=user, now=now)
    return group


def _confirm(group: RoundGroup, *, actor: User, now: dt.datetime) -> RoundGroup:
    if group.has_invitation:
        group.meeting_sequence += 1  # a change (or re-confirmation after a cancel)
    group.confirmed_start = group.proposed_start
    group.confirmed_at = now
    group.proposed_start = None
    group.proposed_by = None
    group.accepted_ids = []
    group.has_invitation = True
    start = group.confirmed_start.isoformat()  # type: ignore[union-attr]
    data = {"start": start, "sequence": group.meeting_sequence}
    _saved(group, actor=actor, action="round.meeting_confirm", data=data)
    emails.meeting_confirmed(group)
    return group


@transaction.atomic
def cancel_meeting(*, user: User, group: RoundGroup) -> RoundGroup:
    group = _locked_group(group)
    _require_member(user, group)
    if group.confirmed_start is None:
        raise TransitionError(gettext("There is no confirmed meeting to cancel."))
    cancelled_start = group.confirmed_start
    group.meeting_sequence += 1
    group.confirmed_start = None
    group.confirmed_at = None
    _saved(group, actor=user, action="round.meeting_cancel")
    emails.meeting_cancelled(group, start=cancelled_start, by=user)
    return group


# -------------------------------------------------------------------------- check-ins
@transaction.atomic
def submit_checkin(
    *,
    user: User,
    group: RoundGroup,
    answer: str,
    rating: int | None = None,
    knew_before: bool | None = None,
    now: dt.datetime | None = None,
) -> GroupMember:
    now = now or timezone.now()
    membership = (
        GroupMember.objects.select_for_update()
        .select_related("round")
        .filter(group=group, user=user)
        .first()
    )
    if membership is None:
        raise ServiceError(gettext("You are not in this group."))
    if answer not in CheckinAnswer.values:
        raise ServiceError(gettext("Please say whether you met."), field="answer")
    if rating is not None and not 1 <= rating <= 5:
        raise ServiceError(gettext("The rating goes from 1 to 5."), field="rating")
    if membership.round.meets_from > now.date():
        raise ServiceError(gettext("The meeting week has not started yet."))
    membership.answer = answer
    membership.rating = rating
    membership.knew_before = knew_before
    membership.answered_at = now
    membership.reask_due_at = now + REASK_AFTER if answer == CheckinAnswer.NOT_YET else None
    membership.reasked_at = None
    _saved(membership, actor=user, action="round.checkin", data={"answer": answer})
    return membership


def _group_met(group_id: int, answers: Mapping[int, list[str]]) -> bool:
    return any(a in MET_ANSWERS for a in answers.get(group_id, ()))


# ------------------------------------------------------------------------- periodic work
def publish_due_rounds(*, now: dt.datetime) -> int:
    count = 0
    programs = Program.objects.filter(kind=ProgramKind.COFFEE, status=ProgramStatus.ACTIVE)
    for program in programs.order_by("pk"):
        settings_row = selectors.get_coffee_settings(program=program)
        cadence = cadence_of(settings_row)
        if not settings_row.auto_publish or cadence is None:
            continue  # drawn by hand only (or no fixed rounds)
        slot = schedule.last_slot(cadence, now)
        if slot is None or now - slot > DUE_GRACE:
            continue  # no slot yet, or it passed long ago: wait for the next one
        if Round.objects.filter(program=settings_row.program, published_at__gte=slot).exists():
            continue
        try:
            _, created = publish_round(
                program=settings_row.program, actor=None, now=now, automatic=True, due_since=slot
            )
        except ServiceError as exc:
            # e.g. an organiser published by hand just before the slot (RoundOverlapError):
            # skip this slot rather than send everybody a second group; the organiser may
            # overlap by hand. Or the programme cannot draw (group size): the others still do.
            logger.info("rounds: %s not drawn automatically: %s", settings_row.program, exc)
            continue
        count += created
    return count


def _in_program(program: Program | None) -> dict[str, Any]:
    return {} if program is None else {"round__program": program}


TICK_BATCH = 500  # memberships claimed and told per transaction by the tick


def _claim_and_tell(
    due: Any, *, claim: Mapping[str, Any], stamp: str, now: dt.datetime, tell: Any
) -> int:
    """Claim due memberships in batches and tell them, each batch in one transaction: rows
    are locked with SKIP LOCKED on PostgreSQL (a tick on another host takes other rows, never
    the same), re-checked with `claim` (still unsent), stamped `stamp`=now, and their emails
    queued in bulk in the same transaction (the outbox's keys are the backstop)."""
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    count = 0
    for start in range(0, len(ids), TICK_BATCH):
        with transaction.atomic():
            claimed = list(
                GroupMember.objects.select_for_update(skip_locked=True)
                .filter(pk__in=ids[start : start + TICK_BATCH], **claim)
                .values_list("pk", flat=True)
            )
            if not claimed:
                continue
            GroupMember.objects.filter(pk__in=claimed).update(**{stamp: now})
            tell(claimed)
            count += len(claimed)
    return count


def send_reminders(*, now: dt.datetime, program: Program | None = None) -> int:
    today = now.date()
    due = GroupMember.objects.filter(
        round__status=RoundStatus.PUBLISHED,
        **_in_program(program),
        reminder_sent_at__isnull=True,
        group__confirmed_start__isnull=True,
        round__meet_by__gte=today,
        round__meet_by__lte=today + dt.timedelta(days=REMINDER_DAYS_BEFORE),
    )
    return _claim_and_tell(
        due,
        claim={"reminder_sent_at__isnull": True},
        stamp="reminder_sent_at",
        now=now,
        tell=emails.reminders,
    )


def send_checkins(*, now: dt.datetime, program: Program | None = None) -> int:
    due = GroupMember.objects.filter(
        round__status=RoundStatus.PUBLISHED,
        **_in_program(program),
        checkin_sent_at__isnull=True,
        round__meet_by__lt=now.date(),
    )
    return _claim_and_tell(
        due,
        claim={"checkin_sent_at__isnull": True},
        stamp="checkin_sent_at",
        now=now,
        tell=lambda ids: emails.checkins(ids, again=False),
    )


def send_reasks(*, now: dt.datetime, program: Program | None = None) -> int:
    due = GroupMember.objects.filter(
        **_in_program(program),
        answer=CheckinAnswer.NOT_YET,
        reask_due_at__lte=now,
        reasked_at__isnull=True,
    )
    return _claim_and_tell(
        due,
        claim={"reasked_at__isnull": True, "answer": CheckinAnswer.NOT_YET},
        stamp="reasked_at",
        now=now,
        tell=lambda ids: emails.checkins(ids, again=True),
    )


ROUND_MACHINE = Transitions(
    {"close": (RoundStatus.PUBLISHED,)}, labels=RoundStatus, noun=gettext_lazy("round")
)  # a round is created published (publish_round); closing is its one transition


def close_round(*, round_: Round, actor: User | None, now: dt.datetime) -> Round:
    """Close a published round (answers are still accepted): locked, checked, audited."""
    return apply_transition(
        round_,
        machine=ROUND_MACHINE,
        action="close",
        to=RoundStatus.CLOSED,
        actor=actor,
        audit_action="round.close",
        program_id=round_.program_id,
        changes={"closed_at": now},
    )


def close_due_rounds(*, now: dt.datetime) -> tuple[int, int]:
    """Close rounds whose answer period is over; pause members silent 3 rounds in a row.
    Returns (rounds closed, members paused)."""
    closed = paused = 0
    due = Round.objects.filter(
        status=RoundStatus.PUBLISHED, meet_by__lt=now.date() - dt.timedelta(days=CLOSE_AFTER_DAYS)
    )
    for round_ in due.select_related("program").order_by("published_at"):
        with transaction.atomic():
            try:
                close_round(round_=round_, actor=None, now=now)
            except TransitionError:
                continue  # closed meanwhile (another tick)
            closed += 1
            user_ids = list(
                GroupMember.objects.filter(round=round_).values_list("user_id", flat=True)
            )
            paused += pause_silent_members(program=round_.program, round_=round_, user_ids=user_ids)
    return closed, paused


def pause_silent_members(*, program: Program, round_: Round, user_ids: list[int]) -> int:
    """Pause members with no answer and no meeting in their last three closed rounds."""
    if not user_ids:
        return 0
    memberships: list[dict[str, Any]] = [
        dict(row)
        for row in GroupMember.objects.filter(
            round__program=program, user_id__in=user_ids, round__status=RoundStatus.CLOSED
        )
        .order_by("user_id", "-round__number")
        .values("pk", "user_id", "group_id", "answer", "paused_after", "round_id")
    ]
    group_ids = {m["group_id"] for m in memberships}
    answers: dict[int, list[str]] = defaultdict(list)
    for gid, answer in GroupMember.objects.filter(group_id__in=group_ids).values_list(
        "group_id", "answer"
    ):
        answers[gid].append(answer)
    by_user: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for m in memberships:
        by_user[m["user_id"]].append(m)
    count = 0
    for user_id, rows in sorted(by_user.items()):
        streak = 0
        for m in rows:
            if m["paused_after"] or m["answer"] or _group_met(m["group_id"], answers):
                break
            streak += 1
        if streak < SILENT_ROUNDS or rows[0]["round_id"] != round_.pk:
            continue
        enrollment = (
            Enrollment.objects.filter(program=program, user_id=user_id)
            .select_related("user")
            .first()
        )
        if enrollment is None or enrollment.status != EnrollmentStatus.ACTIVE:
            continue
        program_services.pause_enrollment(
            user=None,  # type: ignore[arg-type]  # the system pauses: no human actor
            enrollment=enrollment,
            until=None,
        )
        GroupMember.objects.filter(pk=rows[0]["pk"]).update(paused_after=True)
        emails.paused_for_silence(enrollment, round_=round_, token=resume_token(enrollment))
        count += 1
    return count


# ---------------------------------------------------------------------- resume by link
def _pause_marker(enrollment: Enrollment) -> int:
    """The audit id of the enrolment's latest pause (0 if none): a resume link names the
    pause it was sent for, so an old link cannot undo a later pause."""
    latest = (
        AuditEvent.objects.filter(
            action="enrollment.pause",
            object_type="programs.enrollment",
            object_id=str(enrollment.pk),
        )
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return latest or 0


def resume_token(enrollment: Enrollment) -> str:
    return signing.dumps({"e": enrollment.pk, "p": _pause_marker(enrollment)}, salt=RESUME_SALT)


def resume_from_token(*, token: str, slug: str = "", max_age_days: int = 90) -> Enrollment:
    try:
        data = signing.loads(token, salt=RESUME_SALT, max_age=max_age_days * 86400)
    except signing.BadSignature:
        raise ServiceError(gettext("This resume link is not valid or has expired.")) from None
    enrollment = (
        Enrollment.objects.filter(pk=data.get("e")).select_related("user", "program").first()
    )
    if enrollment is None or (slug and enrollment.program.slug != slug):
        raise ServiceError(gettext("This resume link is not valid or has expired."))
    if enrollment.status == EnrollmentStatus.ACTIVE:
        return enrollment
    if enrollment.status != EnrollmentStatus.PAUSED:
        raise ServiceError(gettext("You left this programme; join it again from its page."))
    if data.get("p", 0) != _pause_marker(enrollment):
        raise ServiceError(
            gettext("This resume link was for an earlier pause; resume from the programme's page.")
        )
    return program_services.resume_enrollment(user=enrollment.user, enrollment=enrollment)


def membership_prefetch() -> Prefetch:
    return Prefetch(
        "members",
        queryset=GroupMember.objects.select_related("user", "user__profile").order_by("user_id"),
    )
