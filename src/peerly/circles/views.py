"""HTML views: parse → service/selector → render/redirect. Times in the viewer's zone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from peerly.accounts.models import User
from peerly.accounts.selectors import profile_fields_for_viewer
from peerly.circles import calendar
from peerly.circles import jobs
from peerly.circles import selectors
from peerly.circles import services
from peerly.circles.forms import ActionStatusForm
from peerly.circles.forms import AttendanceForm
from peerly.circles.forms import BlockForm
from peerly.circles.forms import CancelForm
from peerly.circles.forms import KnownPersonForm
from peerly.circles.forms import NewActionForm
from peerly.circles.forms import PublishForm
from peerly.circles.forms import RescheduleForm
from peerly.circles.forms import SettingsForm
from peerly.circles.forms import VoteForm
from peerly.circles.method import GUIDES
from peerly.circles.method import STEPS
from peerly.circles.method import step_minutes
from peerly.circles.models import Circle
from peerly.circles.models import CircleSession
from peerly.circles.models import SessionStatus
from peerly.circles.models import SlotStatus
from peerly.core import timezones
from peerly.core.http import AuthedHttpRequest
from peerly.core.pagination import paginate
from peerly.core.viewhelpers import attempt
from peerly.core.viewhelpers import service_errors
from peerly.core.viewhelpers import submitted
from peerly.growth import journal
from peerly.growth import plan_selectors
from peerly.growth import selectors as growth_selectors
from peerly.growth.forms_actions import BlockGoalForm
from peerly.growth.models import ActionStatus
from peerly.growth.models import Goal
from peerly.programs.access import AccessResult
from peerly.programs.access import Need
from peerly.programs.access import access_program
from peerly.programs.views import kind_nav_context

KIND = "circle"

NEW_ACTION_ROWS = 2


def _access(request: AuthedHttpRequest, slug: str, *, need: Need = "viewer") -> AccessResult:
    """The programs.access gateway for this kind's pages (404 for another kind's programme)."""
    return access_program(request.user, slug, kind=KIND, need=need)


def _program(request: AuthedHttpRequest, slug: str, *, need: Need = "viewer") -> Any:
    return _access(request, slug, need=need).program


def _my_circle(request: AuthedHttpRequest, slug: str, circle_id: int) -> tuple[Any, Circle]:
    """The programme and one of the user's own circles in it (403/404 otherwise)."""
    prog = _program(request, slug)
    return prog, selectors.get_circle_for_member(
        user=request.user, program=prog, circle_id=circle_id
    )


def _my_session(
    request: AuthedHttpRequest, slug: str, session_id: int
) -> tuple[Any, CircleSession]:
    """The programme and a session of one of the user's own circles in it (403/404 otherwise)."""
    prog = _program(request, slug)
    return prog, selectors.get_session_for_member(
        user=request.user, program=prog, session_id=session_id
    )


def _render(
    request: AuthedHttpRequest,
    template: str,
    context: dict[str, Any],
    status: int = 200,
    *,
    nav: str = "",
    is_organiser: bool | None = None,
) -> HttpResponse:
    """Render in the viewer's zone; member pages (`nav`: the active item's key) get the kind's
    navigation (programs/_kind_nav.html). Organiser pages use programs/_manage_nav.html."""
    zone = timezones.user_zone(request.user)
    if nav:
        nav_context = kind_nav_context(
            request, context["program"], active=nav, is_organiser=is_organiser
        )
        context = {**nav_context, **context}
    with timezone.override(zone):
        return render(request, template, {"zone": zone, **context}, status=status)


def _when(moment: dt.datetime, zone: Any) -> str:
    return moment.astimezone(zone).strftime("%a %d %b %Y, %H:%M")


def _slot_label(option: Any, zone: Any, interval: int, circle: Any, names: dict[int, str]) -> str:
    """ "Tuesday 14:00 Europe/Berlin (your time: Tuesday 08:00), every 2 weeks, first on 02 Mar
    (1 vote)", plus the dates on which it is outside someone's hours, if any."""
    circle_zone = timezones.zone(circle.timezone)
    there = option.first_start_at.astimezone(circle_zone)
    local = option.first_start_at.astimezone(zone)
    label = f"{there:%A %H:%M} {circle_zone.key}"
    if zone.key != circle_zone.key:
        label += f" (your time: {local:%A %H:%M})"
    every = "every week" if interval == 1 else f"every {interval} weeks"
    votes = f"{option.n} vote" + ("" if option.n == 1 else "s")
    label += f", {every}, first on {local:%d %b} ({votes})"
    if option.conflicts:
        clashes = "; ".join(
            ", ".join(names.get(u, "a member") for u in c["user_ids"])
            + f" on {dt.date.fromisoformat(c['on']):%d %b}"
            for c in option.conflicts
        )
        label += f". Outside the hours of {clashes}"
    return label


def _series_label(circle: Any, sessions: list[Any], zone: Any, now: dt.datetime) -> str:
    """ "Tuesdays 14:00 Europe/Berlin (your time: 08:00)": the slot in the circle's zone, and
    the viewer's local time of the next sessions (which moves when only one side changes
    clocks)."""
    if circle.slot_minute is None:
        return ""
    circle_zone = timezones.zone(circle.timezone)
    weekday, minute = divmod(circle.slot_minute, 24 * 60)
    day = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
    label = f"{day[weekday]} {minute // 60:02d}:{minute % 60:02d} {circle_zone.key}"
    if zone.key == circle_zone.key:
        return label
    upcoming = [
        s for s in sessions if s.status == SessionStatus.SCHEDULED and s.ends_at >= now
    ] or sessions
    times: list[str] = []
    for session in upcoming:
        local = f"{session.starts_at.astimezone(zone):%H:%M}"
        if local not in times:
            times.append(local)
    if len(times) == 1:
        return f"{label} (your time: {times[0]})"
    others = ", ".join(times[1:])
    return f"{label} (your time: {times[0]}; {others} on dates when only one side changed clocks)"


# ------------------------------------------------------------------------------ members
@login_required
def program(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = _access(request, slug, need="member")
    prog, enrollment, organiser = access.program, access.enrollment, access.is_organiser
    season = selectors.latest_season(program=prog)
    circles = list(selectors.list_circles_for_member(user=request.user, program=prog))
    current = [c for c in circles if season and c.season_id == season.pk]
    now = timezone.now()
    return _render(
        request,
        "circles/program_detail.html",
        {
            "program": prog,
            "season": season,
            "circles": circles,
            "current": current,
            "enrollment": enrollment,
            "is_organiser": organiser,
            "unmatched": selectors.unmatched_message(season=season, user=request.user),
            "sessions": list(
                selectors.list_sessions_for_user(
                    user=request.user, program=prog, since=now - dt.timedelta(hours=3)
                ).exclude(status=SessionStatus.CANCELLED)[:5]
            ),
            "actions": list(
                selectors.list_actions_for_user(user=request.user, program=prog, open_only=True)
            ),
            "settings": selectors.get_circle_settings(program=prog),
            "guides": GUIDES,
        },
        nav="program",
        is_organiser=organiser,
    )


@login_required
def circle(request: AuthedHttpRequest, slug: str, circle_id: int) -> HttpResponse:
    prog, obj = _my_circle(request, slug, circle_id)
    zone = timezones.user_zone(request.user)
    options = (
        selectors.list_slot_options(circle=obj, user=request.user)
        if obj.slot_status == SlotStatus.VOTING
        else []
    )
    interval = selectors.get_circle_settings(program=prog).interval_weeks
    names = {m.user_id: m.user.name for m in obj.memberships.all()}
    vote_form = VoteForm(
        initial={"options": [o.pk for o in options if o.mine]},  # type: ignore[attr-defined]
        choices=[(o.pk, _slot_label(o, zone, interval, obj, names)) for o in options],
    )
    me = next(m for m in obj.memberships.all() if m.user_id == request.user.pk)
    shown = profile_fields_for_viewer(
        viewer=request.user,
        users=[m.user for m in obj.memberships.all()],
        program=prog,
        names=["timezone"],
    )
    sessions = selectors.list_sessions_for_circle(circle=obj)
    now = timezone.now()
    return _render(
        request,
        "circles/circle_detail.html",
        {
            "program": prog,
            "circle": obj,
            "members": [(m, shown[m.user_id]) for m in obj.memberships.all()],
            "shared_goals": growth_selectors.goals_shared_with_circle(
                circle=obj, viewer=request.user
            ),
            **plan_selectors.shared_plans_with_circle(circle=obj, viewer=request.user),
            "shared_entries": journal.entries_shared_with_circle(circle=obj, viewer=request.user),
            "options": options,
            "vote_form": vote_form,
            "me": me,
            "sessions": sessions,
            "series_label": _series_label(obj, sessions, zone, now),
            "circle_zone": timezones.zone(obj.timezone).key,
            "now": now,
            "missed": [s for s in sessions if s.is_missed(now)],
            "next_session": next(
                (s for s in sessions if s.status == SessionStatus.SCHEDULED and s.ends_at >= now),
                None,
            ),
            "actions": list(
                obj.actions.select_related("owner", "block__session").order_by(
                    "owner_id", "status", "due_on"
                )
            ),
            "waiting": [m for m in obj.memberships.all() if m.voted_at is None],
        },
        nav="circle",
    )


@login_required
@require_POST
def circle_vote(request: AuthedHttpRequest, slug: str, circle_id: int) -> HttpResponse:
    _, obj = _my_circle(request, slug, circle_id)
    form = VoteForm(request.POST, choices=[(o.pk, "") for o in obj.slot_options.all()])
    if not form.is_valid():
        messages.error(request, gettext("Choose among the offered slots."))
    else:
        voted = attempt(
            request,
            None,
            services.vote_slots,
            user=request.user,
            circle=obj,
            option_ids=form.cleaned_data["options"],
        )
        if voted is not None and voted.slot_status == SlotStatus.SCHEDULED:
            messages.success(
                request,
                gettext(
                    "Everyone voted: the slot is decided and the calendar invitation is on its way."
                ),
            )
        elif voted is not None:
            messages.success(request, gettext("Thanks, your choice is saved."))
    return redirect("circles:circle", slug=slug, circle_id=circle_id)


@login_required
@require_POST
def circle_close_vote(request: AuthedHttpRequest, slug: str, circle_id: int) -> HttpResponse:
    access = _access(request, slug)
    prog = access.program
    if access.is_organiser:
        obj = selectors.get_circle_for_organiser(program=prog, circle_id=circle_id)
        back = reverse("circles:manage", kwargs={"slug": slug})
    else:
        obj = selectors.get_circle_for_member(user=request.user, program=prog, circle_id=circle_id)
        back = reverse("circles:circle", kwargs={"slug": slug, "circle_id": circle_id})
    decided = gettext("%(name)s: slot decided, invitations sent.") % {"name": obj.name}
    with service_errors(request, success=decided):
        services.close_vote(actor=request.user, circle=obj)
    return redirect(back)


@login_required
def circle_ics(request: AuthedHttpRequest, slug: str, circle_id: int) -> HttpResponse:
    _, obj = _my_circle(request, slug, circle_id)
    sessions = list(obj.sessions.all())
    if not sessions:
        raise Http404("The slot is not decided yet.")
    # PUBLISH, not REQUEST: importing the download must not act as a new invitation.
    response = HttpResponse(
        calendar.series_calendar(obj, sessions, method="PUBLISH"),
        content_type="text/calendar; charset=utf-8; method=PUBLISH",
    )
    response["Content-Disposition"] = f'attachment; filename="circle-{obj.pk}.ics"'
    return response


def _session_context(request: AuthedHttpRequest, prog: Any, session: Any) -> dict[str, Any]:
    obj = session.circle
    members = list(obj.memberships.all())
    names = {m.user_id: m.user for m in members}
    page = selectors.get_session_page(session=session)
    blocks = page["blocks"]
    planned = []
    if not blocks and session.status == SessionStatus.SCHEDULED:
        planned = [
            {
                "position": r.position,
                "coachee": names[r.coachee],
                "coach": names[r.coach],
                "note_taker": names[r.note_taker],
            }
            for r in services.planned_roles(session, [m.user_id for m in members])
        ]
    block_minutes = session.duration_minutes // max(len(blocks) or len(planned) or 3, 1)
    owners = [(m.user_id, m.user.name) for m in members]
    editors = []
    shared_goal_ids = _shared_goal_ids(obj, request.user)
    for action in page["review"]:
        action.goal_note = _goal_note(action.goal, action.owner_id, request.user, shared_goal_ids)
    for block in blocks:
        block.goal_note = _goal_note(block.goal, block.coachee_id, request.user, shared_goal_ids)
        if block.coachee_id == request.user.pk:
            block.goal_form = BlockGoalForm(
                coachee=request.user,
                current=block.goal,
                prefix=f"g{block.pk}",
                initial={"goal": block.goal_id},
            )
        can_edit = request.user.pk in (block.note_taker_id, block.coachee_id)
        block.can_edit = can_edit
        if can_edit:
            block.form = BlockForm(instance=block, prefix=f"b{block.pk}")
            block.new_actions = [
                NewActionForm(
                    prefix=f"b{block.pk}-a{i}", owners=owners, initial={"owner": block.coachee_id}
                )
                for i in range(NEW_ACTION_ROWS)
            ]
            editors.append(block)
    return {
        "program": prog,
        "circle": obj,
        "session": session,
        "members": members,
        "blocks": blocks,
        "planned": planned,
        "review": page["review"],
        "attendance": page["attendance"],
        "previous": page["previous"],
        "steps": step_minutes(block_minutes),
        "block_minutes": block_minutes,
        "attendance_form": AttendanceForm(
            choices=[(m.user_id, m.user.name) for m in members],
            initial={
                "present": [uid for uid, st in page["attendance"].items() if st == "present"]
                or [m.user_id for m in members]
            },
        ),
        "status_choices": ActionStatus.choices,
        "now": timezone.now(),
        "can_record": session.status != SessionStatus.CANCELLED
        and session.starts_at - timezone.now() <= dt.timedelta(hours=1),
        "all_steps": STEPS,
    }


@login_required
def session_detail(request: AuthedHttpRequest, slug: str, session_id: int) -> HttpResponse:
    prog, session = _my_session(request, slug, session_id)
    return _render(
        request,
        "circles/session_detail.html",
        _session_context(request, prog, session),
        nav="session",
    )


@login_required
@require_POST
def session_attendance(request: AuthedHttpRequest, slug: str, session_id: int) -> HttpResponse:
    _, session = _my_session(request, slug, session_id)
    members = list(session.circle.memberships.all())
    form = AttendanceForm(request.POST, choices=[(m.user_id, "") for m in members])
    if not form.is_valid():
        messages.error(request, gettext("Tick at least two people who are here."))
    else:
        saved = gettext("Attendance saved; roles are set for each block.")
        with service_errors(request, success=saved):
            services.record_attendance(
                actor=request.user, session=session, present_ids=form.cleaned_data["present"]
            )
    return redirect("circles:session", slug=slug, session_id=session_id)


@login_required
@require_POST
def block_save(request: AuthedHttpRequest, slug: str, block_id: int) -> HttpResponse:
    prog = _program(request, slug)
    block = selectors.get_block_for_member(user=request.user, program=prog, block_id=block_id)
    owners = [(m.user_id, "") for m in block.session.circle.memberships.all()]
    form = BlockForm(request.POST, instance=block, prefix=f"b{block.pk}")
    rows = [
        NewActionForm(request.POST, prefix=f"b{block.pk}-a{i}", owners=owners)
        for i in range(NEW_ACTION_ROWS)
    ]
    if not form.is_valid() or not all(r.is_valid() for r in rows):
        messages.error(request, gettext("Please check the block's form."))
    else:
        saved = gettext("Block %(position)s saved.") % {"position": block.position}
        with service_errors(request, success=saved):
            services.save_block(
                actor=request.user,
                block=block,
                notes={f: form.cleaned_data[f] for f in form.fields},
                new_actions=[
                    {
                        "text": r.cleaned_data["text"],
                        "owner_id": r.cleaned_data["owner"],
                        "due_on": r.cleaned_data["due_on"],
                    }
                    for r in rows
                ],
                delete_action_ids=[
                    int(x) for x in request.POST.getlist(f"b{block.pk}-delete") if x.isdigit()
                ],
            )
    url = reverse("circles:session", kwargs={"slug": slug, "session_id": block.session_id})
    return redirect(f"{url}#block-{block.position}")


def _shared_goal_ids(circle: Circle, viewer: User) -> set[int]:
    """The goals the circle's members share with the circle (their titles may be shown)."""
    shared = growth_selectors.shared_with_circle(circle=circle, viewer=viewer, model=Goal)
    return set(shared.values_list("pk", flat=True))


def _goal_note(goal: Goal | None, owner_id: int, viewer: User, shared_ids: set[int]) -> str:
    """What the circle sees of the goal a block's issue or an action is linked to: its title
    for its owner, or when the owner shares the goal with the circle; else only that there is
    one."""
    if goal is None:
        return ""
    if owner_id == viewer.pk:
        return gettext("Linked to your goal “%(title)s”") % {"title": goal.title}
    if goal.pk in shared_ids:
        return gettext("Linked to the goal “%(title)s”") % {"title": goal.title}
    return gettext("Linked to a personal goal")


@login_required
@require_POST
def block_goal(request: AuthedHttpRequest, slug: str, block_id: int) -> HttpResponse:
    """The coachee links the block's issue to one of their active goals (or unlinks it)."""
    prog = _program(request, slug)
    block = selectors.get_block_for_member(user=request.user, program=prog, block_id=block_id)
    form = BlockGoalForm(
        request.POST, coachee=request.user, current=block.goal, prefix=f"g{block.pk}"
    )
    if not form.is_valid():
        messages.error(request, gettext("Choose one of your active goals."))
    else:
        done = (
            gettext("The issue is linked to your goal.")
            if form.cleaned_data["goal"]
            else gettext("The issue is no longer linked to a goal.")
        )
        with service_errors(request, success=done):
            services.link_block_goal(
                actor=request.user, block=block, goal=form.cleaned_data["goal"]
            )
    url = reverse("circles:session", kwargs={"slug": slug, "session_id": block.session_id})
    return redirect(f"{url}#block-{block.position}")


@login_required
@require_POST
def action_status(request: AuthedHttpRequest, slug: str, action_id: int) -> HttpResponse:
    prog = _program(request, slug)
    # Only the owner changes an action item: anyone else gets 404, nothing changes.
    action = selectors.get_own_action(user=request.user, action_id=action_id)
    if action.circle is None or action.circle.program_id != prog.pk:
        raise Http404("No such action item.")
    form = ActionStatusForm(request.POST)
    session = None
    session_id = request.POST.get("session", "")
    if session_id.isdigit():
        session = selectors.get_session_for_member(
            user=request.user, program=prog, session_id=int(session_id)
        )
    if form.is_valid():
        with service_errors(request, success=gettext("Action updated.")):
            services.update_action(
                actor=request.user, action=action, session=session, **form.cleaned_data
            )
    else:
        messages.error(request, gettext("Choose a status."))
    if session is not None:
        return redirect("circles:session", slug=slug, session_id=session.pk)
    nxt = request.POST.get("next", "")
    if nxt == "circle":
        return redirect("circles:circle", slug=slug, circle_id=action.circle_id)
    return redirect("circles:program", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def session_reschedule(request: AuthedHttpRequest, slug: str, session_id: int) -> HttpResponse:
    prog, session = _my_session(request, slug, session_id)
    zone = timezones.user_zone(request.user)
    form = RescheduleForm(
        request.POST or None,
        zone=zone,
        initial={"starts_at": session.starts_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M")},
    )
    moved = gettext("Moved; everyone gets the updated calendar.")
    if submitted(
        request, form, services.reschedule_session, moved, actor=request.user, session=session
    ):
        return redirect("circles:circle", slug=slug, circle_id=session.circle_id)
    return _render(
        request,
        "circles/session_reschedule.html",
        {
            "program": prog,
            "session": session,
            "circle": session.circle,
            "form": form,
            "cancel_form": CancelForm(),
        },
    )


@login_required
@require_POST
def session_cancel(request: AuthedHttpRequest, slug: str, session_id: int) -> HttpResponse:
    _, session = _my_session(request, slug, session_id)
    form = CancelForm(request.POST)
    told = gettext("Session %(number)s cancelled; everyone is told.") % {"number": session.number}
    with service_errors(request, success=told):
        services.cancel_session(
            actor=request.user, session=session, reason=form.data.get("reason", "")
        )
    return redirect("circles:circle", slug=slug, circle_id=session.circle_id)


KNOWN_CHOICES = 50  # members offered at once on the known-people page (search for others)


@login_required
@require_http_methods(["GET", "POST"])
def known_people(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = _access(request, slug, need="member")
    prog = access.program
    if not access.is_member:  # private to a member's own enrolment: organisers have none
        raise PermissionDenied(gettext("Join the programme first."))
    known = list(selectors.list_known_people(user=request.user, program=prog))
    taken = {k.other_id for k in known}
    # Never a <select> of every member: the choices are the members matching ?q= (at most
    # KNOWN_CHOICES of them), and on POST the one member posted, if eligible.
    query = request.GET.get("q", "").strip()[:100]
    pool = selectors.list_known_candidates(user=request.user, program=prog).exclude(
        user_id__in=taken
    )
    if request.method == "POST":
        posted = request.POST.get("other", "")
        pool = pool.filter(user_id=int(posted) if posted.isdigit() and len(posted) < 19 else 0)
    elif query:
        pool = pool.filter(Q(user__display_name__icontains=query) | Q(user__email__iexact=query))
    candidates = [(e.user_id, e.user.name) for e in pool[: KNOWN_CHOICES + 1]]
    more = len(candidates) > KNOWN_CHOICES
    candidates = candidates[:KNOWN_CHOICES]
    form = KnownPersonForm(request.POST or None, choices=candidates)
    if request.method == "POST":
        remove = request.POST.get("remove", "")
        if remove.isdigit() and len(remove) < 19:
            services.remove_known_person(owner=request.user, program=prog, other_id=int(remove))
            messages.success(request, gettext("Removed."))
            return redirect("circles:known", slug=slug)
        if form.is_valid():
            other = User.objects.filter(pk=form.cleaned_data["other"]).first()
            if other is None:
                form.add_error("other", gettext("Choose a member."))
            else:
                added = gettext("Added %(name)s.") % {"name": other.name}
                with service_errors(request, form, success=added) as outcome:
                    services.add_known_person(owner=request.user, program=prog, other=other)
                if outcome.ok:
                    return redirect("circles:known", slug=slug)
    return _render(
        request,
        "circles/known_list.html",
        {
            "program": prog,
            "known": known,
            "form": form,
            "query": query,
            "more": more,
            "settings": selectors.get_circle_settings(program=prog),
        },
        nav="known",
    )


@login_required
def guide(request: AuthedHttpRequest, slug: str, name: str) -> HttpResponse:
    prog = _program(request, slug)
    if name not in GUIDES:
        raise Http404("No such guide.")
    return _render(
        request,
        f"circles/guide_{name.replace('-', '_')}.html",
        {"program": prog, "title": GUIDES[name], "guides": GUIDES, "steps": step_minutes(30)},
        nav="guide",
    )


# ---------------------------------------------------------------------------- organisers
@login_required
def manage(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    prog = _program(request, slug, need="organiser")
    circle_settings = services.get_settings(program=prog)
    season = selectors.latest_season(program=prog)
    rows = selectors.list_circle_health(season=season, now=timezone.now()) if season else []
    page = paginate(request, rows, per_page=50)  # totals over every circle, names for a page
    return _render(
        request,
        "circles/manage_detail.html",
        {
            "program": prog,
            "settings": circle_settings,
            "season": season,
            "rows": page.object_list,
            "page": page,
            "totals": selectors.season_totals(rows),
            "members_by_circle": selectors.list_circle_members_for_organiser(
                season=season, circle_ids=[r.circle.pk for r in page]
            )
            if season
            else {},
            "seasons": list(prog.circle_seasons.all()),
        },
        nav="manage",
        is_organiser=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_settings(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    prog = _program(request, slug, need="organiser")
    current = services.get_settings(program=prog)
    form = SettingsForm(
        request.POST or None, instance=current, initial={"group_size": prog.group_size}
    )
    if request.method == "POST" and form.is_valid():
        services.update_settings(
            actor=request.user, program=prog, values={f: form.cleaned_data[f] for f in form.fields}
        )
        messages.success(request, gettext("Circle settings saved."))
        return redirect("circles:manage", slug=slug)
    return _render(
        request,
        "circles/manage_settings.html",
        {"program": prog, "form": form},
        nav="settings",
        is_organiser=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_form(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    prog = _program(request, slug, need="organiser")
    circle_settings = services.get_settings(program=prog)
    number = services.next_season_number(program=prog)
    if request.method == "POST":
        form = PublishForm(request.POST)
        if form.is_valid():
            with service_errors(request, form) as outcome:
                job = jobs.start_publish(
                    actor=request.user,
                    program=prog,
                    number=form.cleaned_data["number"],
                    seed=form.cleaned_data["seed"],
                    starts_on=form.cleaned_data["starts_on"],
                    strategy=form.cleaned_data["strategy"],
                    allow_overlap=form.cleaned_data["allow_overlap"],
                )
            if outcome.ok and job is None:
                messages.info(request, jobs.already_published(form.cleaned_data["number"]))
                return redirect("circles:manage", slug=slug)
            if outcome.ok and job is not None:
                # a worker forms the circles and tells the members; the job's page shows how
                # far it is, then sends the organiser on (a second click gets the same job)
                return redirect("core:job-detail", job_id=job.pk)
    else:
        data = {
            "seed": request.GET.get("seed", "1"),
            "starts_on": request.GET.get("starts_on", services.default_start().isoformat()),
            "strategy": request.GET.get("strategy", circle_settings.strategy),
        }
        form = PublishForm({**data, "number": number})
    plan = None
    people: dict[int, Any] = {}
    shown: dict[int, dict[str, Any]] = {}
    overlap = ""
    if form.is_valid():
        overlap = services.overlap_warning(
            services.running_seasons(program=prog, starts_on=form.cleaned_data["starts_on"])
        )
        plan = services.preview_season(
            program=prog,
            seed=form.cleaned_data["seed"],
            starts_on=form.cleaned_data["starts_on"],
            strategy=form.cleaned_data["strategy"],
        )
        ids = {u for c in plan.circles for u in c.user_ids} | {u.user_id for u in plan.unmatched}
        people = User.objects.select_related("profile").in_bulk(ids)
        shown = profile_fields_for_viewer(
            viewer=request.user, users=people.values(), program=prog, names=["team", "timezone"]
        )
    redraw = None
    if form.is_valid():
        redraw = {
            "seed": form.cleaned_data["seed"] + 1,
            "starts_on": form.cleaned_data["starts_on"].isoformat(),
            "strategy": form.cleaned_data["strategy"],
        }
    return _render(
        request,
        "circles/manage_form.html",
        {
            "program": prog,
            "settings": circle_settings,
            "form": form,
            "plan": plan,
            "people": people,
            "shown": shown,
            "number": number,
            "redraw": redraw,
            "overlap": overlap,
        },
        nav="form",
        is_organiser=True,
    )
