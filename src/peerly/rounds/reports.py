"""Round and programme reports for organisers (figures as defined in PRODUCT.md §5), and the
server-side SVG chart. Organisers see names, teams they may see, and answers — never private
profile fields, do-not-pair lists or anything members wrote about each other."""

from __future__ import annotations

import io
import math
from typing import Any

from django.db.models import Count
from django.db.models import Q
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from peerly.accounts.models import User
from peerly.core.aggregates import shown
from peerly.core.charts import cached_svg
from peerly.core.charts import page_svg
from peerly.core.pagination import paginate
from peerly.programs.models import Program
from peerly.rounds.models import MET_ANSWERS
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from peerly.rounds.models import RoundStatus
from peerly.rounds.models import UnmatchedMember
from peerly.rounds.selectors import list_groups_for_organiser
from peerly.rounds.selectors import organiser_team
from peerly.rounds.services import NOT_DRAWN_LABELS
from peerly.rounds.services import Preview

REASON_LABELS = {
    "no_common_availability": "not enough shared availability with anybody",
    "no_shared_language": "no shared language with anybody",
    "do_not_pair": "ruled out by do-not-pair lists",
    "no_feasible_partner": "every other member ruled out by the rules",
    "no_feasible_group": "no group could take one more under the rules",
}


def reason_label(code: str, detail: str = "") -> str:
    return REASON_LABELS.get(code, detail or code)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def preview_rows(preview: Preview) -> dict[str, Any]:
    users = preview.users
    profile_team = {uid: organiser_team(getattr(u, "profile", None)) for uid, u in users.items()}
    groups = []
    for n, g in enumerate(preview.draw.groups, start=1):
        reasons = g.reasons
        tags = []
        if reasons.get("never_met"):
            tags.append("never met before")
        else:
            repeats = reasons.get("repeat_pairs") or []
            n = len(repeats)  # type: ignore[arg-type]
            tags.append(f"{n} repeat pair{'' if n == 1 else 's'}")
        if reasons.get("crosses_teams"):
            tags.append("crosses teams")
        if reasons.get("shared_interests"):
            tags.append("shares " + ", ".join(reasons["shared_interests"]))  # type: ignore[arg-type]
        if reasons.get("has_availability"):
            tags.append(f"{reasons.get('overlap_hours')} h/week overlap")
        groups.append(
            {
                "number": n,
                "people": [(users[u].name, profile_team[u]) for u in g.user_ids],
                "tags": tags,
                "is_repeat": not reasons.get("never_met"),
            }
        )
    unmatched = [
        (users[u.user_id].name, reason_label(u.reason, u.detail)) for u in preview.draw.unmatched
    ]
    not_drawn_users = User.objects.in_bulk([u for u, _ in preview.not_drawn])
    not_drawn = [
        (
            not_drawn_users[u].name if u in not_drawn_users else f"#{u}",
            NOT_DRAWN_LABELS.get(code, code),
        )
        for u, code in preview.not_drawn
    ]
    return {"groups": groups, "unmatched": unmatched, "not_drawn": not_drawn}


def _figures(round_: Round, groups: list[list[dict[str, Any]]], unmatched: int) -> dict[str, Any]:
    ratings = [m["rating"] for g in groups for m in g if m["rating"]]
    return _figure_row(
        round_,
        matched=sum(len(g) for g in groups),
        met=sum(1 for g in groups if any(m["answer"] in MET_ANSWERS for m in g)),
        reported=sum(1 for g in groups if any(m["answer"] for m in g)),
        groups=len(groups),
        ratings=len(ratings),
        rating_sum=sum(ratings),
        unmatched=unmatched,
    )


def _figure_row(
    round_: Round,
    *,
    matched: int,
    met: int,
    reported: int,
    groups: int,
    ratings: int,
    rating_sum: int,
    unmatched: int,
) -> dict[str, Any]:
    metrics = round_.metrics or {}
    # The meeting window is still open: nobody could have met yet, so the round is shown as
    # "in progress" and kept out of every rate (it would pull them towards 0 %).
    in_progress = round_.status == RoundStatus.PUBLISHED and timezone.localdate() <= round_.meet_by
    return {
        "number": round_.number,
        "in_progress": in_progress,
        "published_at": round_.published_at,
        "status": round_.status,
        "participants": matched + unmatched,
        "matched": matched,
        "unmatched": unmatched,
        "not_drawn": len(metrics.get("not_drawn", [])),
        "groups": groups,
        "repeat_pairs": metrics.get("repeat_pairs", 0),
        "unavoidable_repeat_pairs": metrics.get("unavoidable_repeat_pairs", 0),
        "cross_team_rate": metrics.get("cross_team_rate"),
        "mean_overlap_hours": metrics.get("mean_overlap_hours"),
        "met": met,
        "reported": reported,
        "unknown": groups - reported,
        "met_rate": None if in_progress else _rate(met, groups),
        "report_rate": None if in_progress else _rate(reported, groups),
        "ratings": ratings,
        "rating_sum": rating_sum,
        # an average of fewer than 5 ratings would be one or two members' own ratings
        "mean_rating": shown(round(rating_sum / ratings, 2), ratings) if ratings else None,
    }


def round_figures(
    round_: Round, *, groups: int | None = None, unmatched: int | None = None
) -> dict[str, Any]:
    """The figures of one round, counted by the database (1 query, plus one per count the
    caller does not know already)."""
    rated = Q(rating__isnull=False) & ~Q(rating=0)
    agg = GroupMember.objects.filter(round=round_).aggregate(
        matched=Count("pk"),
        met=Count("group", distinct=True, filter=Q(answer__in=list(MET_ANSWERS))),
        reported=Count("group", distinct=True, filter=~Q(answer="")),
        ratings=Count("pk", filter=rated),
        rating_sum=Sum("rating", filter=rated),
    )
    return _figure_row(
        round_,
        matched=agg["matched"],
        met=agg["met"],
        reported=agg["reported"],
        groups=RoundGroup.objects.filter(round=round_).count() if groups is None else groups,
        ratings=agg["ratings"],
        rating_sum=agg["rating_sum"] or 0,
        unmatched=(
            UnmatchedMember.objects.filter(round=round_).count() if unmatched is None else unmatched
        ),
    )


def round_report(round_: Round, request: HttpRequest) -> dict[str, Any]:
    """A round for its organisers: figures for the whole round, and one page each of the
    groups (?page=), the unmatched (?unmatched=) and those not drawn (?not_drawn=) — the
    same number of queries at 20 members or 10,000."""
    groups = paginate(request, list_groups_for_organiser(round_=round_), per_page=50)
    unmatched = paginate(
        request,
        UnmatchedMember.objects.filter(round=round_).select_related("user").order_by("pk"),
        per_page=50,
        param="unmatched",
    )
    not_drawn = paginate(
        request, (round_.metrics or {}).get("not_drawn", []), per_page=50, param="not_drawn"
    )
    rows = []
    for g in groups:
        members = list(g.members.all())
        rows.append(
            {
                "group": g,
                "members": [
                    {
                        "name": m.user.name,
                        "team": organiser_team(getattr(m.user, "profile", None)),
                        "answer": m.get_answer_display() if m.answer else "unknown",
                        # no rating: a member's own rating is theirs; organisers get the
                        # round's mean, from at least 5 ratings
                        "knew_before": "—"
                        if m.knew_before is None
                        else ("yes" if m.knew_before else "no"),
                    }
                    for m in members
                ],
                "confirmed": g.confirmed_start,
                "reasons": g.reasons,
            }
        )
    names = User.objects.in_bulk([row["user_id"] for row in not_drawn])
    return {
        "figures": round_figures(
            round_, groups=groups.paginator.count, unmatched=unmatched.paginator.count
        ),
        "groups": rows,
        "groups_page": groups,
        "unmatched": [(u.user.name, reason_label(u.reason, u.detail)) for u in unmatched],
        "unmatched_page": unmatched,
        "not_drawn": [
            (
                names[row["user_id"]].name if row["user_id"] in names else "—",
                NOT_DRAWN_LABELS.get(row["reason"], row["reason"]),
            )
            for row in not_drawn
        ],
        "not_drawn_page": not_drawn,
    }


def program_figures(program: Program) -> list[dict[str, Any]]:
    """One row of figures per round, oldest first: 3 queries, counted by the database (two
    years of a 10,000-member programme is 500,000 memberships — never loaded into Python)."""
    rounds = list(Round.objects.filter(program=program).order_by("number"))
    rated = Q(rating__isnull=False) & ~Q(rating=0)
    per_round = {
        row["round_id"]: row
        for row in GroupMember.objects.filter(round__program=program)
        .order_by()
        .values("round_id")
        .annotate(
            matched=Count("pk"),
            groups=Count("group", distinct=True),
            met=Count("group", distinct=True, filter=Q(answer__in=list(MET_ANSWERS))),
            reported=Count("group", distinct=True, filter=~Q(answer="")),
            ratings=Count("pk", filter=rated),
            rating_sum=Sum("rating", filter=rated),
        )
    }
    unmatched = dict(
        UnmatchedMember.objects.filter(round__program=program)
        .order_by()
        .values("round_id")
        .annotate(n=Count("pk"))
        .values_list("round_id", "n")
    )
    empty = {"matched": 0, "groups": 0, "met": 0, "reported": 0, "ratings": 0, "rating_sum": 0}
    rows = []
    for r in rounds:
        row = per_round.get(r.pk, empty)
        rows.append(
            _figure_row(
                r,
                matched=row["matched"],
                met=row["met"],
                reported=row["reported"],
                groups=row["groups"],
                ratings=row["ratings"],
                rating_sum=row["rating_sum"] or 0,
                unmatched=unmatched.get(r.pk, 0),
            )
        )
    return rows


def program_report(program: Program) -> dict[str, Any]:
    rows = program_figures(program)
    done = [r for r in rows if not r["in_progress"]]  # open rounds stay out of the rates
    groups = sum(r["groups"] for r in done)
    met = sum(r["met"] for r in done)
    reported = sum(r["reported"] for r in done)
    ratings = sum(r["ratings"] for r in rows)
    totals = {
        "rounds": len(rows),
        "in_progress": len(rows) - len(done),
        "groups": sum(r["groups"] for r in rows),
        "met_rate": _rate(met, groups),
        "report_rate": _rate(reported, groups),
        "repeat_pairs": sum(r["repeat_pairs"] for r in rows),
        "unavoidable_repeat_pairs": sum(r["unavoidable_repeat_pairs"] for r in rows),
        "mean_rating": shown(round(sum(r["rating_sum"] for r in rows) / ratings, 2), ratings)
        if ratings
        else None,
    }
    return {"rows": list(reversed(rows)), "totals": totals, "chart": chart_svg(rows)}


def chart_svg(rows: list[dict[str, Any]]) -> str:
    """Participants and matched per round (bars) with met and report rates (lines), as an
    inline SVG string with a <title> and a text alternative; '' when there are no rounds."""
    if not rows:
        return ""
    shown = ("number", "participants", "matched", "met_rate", "report_rate", "in_progress")
    data = [[r.get(k) for k in shown] for r in rows]
    return cached_svg("coffee-rounds", data, lambda: _draw_chart(rows))


def _draw_chart(rows: list[dict[str, Any]]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    numbers = [r["number"] for r in rows]
    labels = [f"R{n}" for n in numbers]
    plt.rcParams["svg.hashsalt"] = "peerly"
    plt.rcParams["svg.fonttype"] = "none"
    fig, ax = plt.subplots(figsize=(7.5, 3.2), dpi=100)
    try:
        x = list(range(len(rows)))
        ax.bar(
            [i - 0.2 for i in x],
            [r["participants"] for r in rows],
            width=0.4,
            label=gettext("participants"),
            color="#9db4de",
        )
        ax.bar(
            [i + 0.2 for i in x],
            [r["matched"] for r in rows],
            width=0.4,
            label=gettext("matched"),
            color="#2b5cb8",
        )
        ax.set_xticks(x, labels)
        ax.set_ylabel("members")
        ax2 = ax.twinx()
        ax2.plot(
            x,
            [_percent_or_gap(r["met_rate"]) for r in rows],
            marker="o",
            color="#1c7a45",
            label=gettext("met rate %"),
        )
        ax2.plot(
            x,
            [_percent_or_gap(r["report_rate"]) for r in rows],
            marker="s",
            color="#8a5a00",
            linestyle="--",
            label=gettext("report rate %"),
        )
        ax2.set_ylim(0, 105)
        ax2.set_ylabel("%")
        handles = ax.get_legend_handles_labels()
        handles2 = ax2.get_legend_handles_labels()
        ax.legend(
            handles[0] + handles2[0],
            handles[1] + handles2[1],
            loc="upper left",
            fontsize=8,
            ncol=4,
            frameon=False,
            bbox_to_anchor=(0, 1.15),
        )
        for spine in ("top",):
            ax.spines[spine].set_visible(False)
            ax2.spines[spine].set_visible(False)
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    finally:
        plt.close(fig)
    summary = "; ".join(
        f"round {r['number']}: {r['participants']} participants, {r['matched']} matched, "
        + (
            "in progress"
            if r.get("in_progress")
            else f"met rate {_pct(r['met_rate'])}, report rate {_pct(r['report_rate'])}"
        )
        for r in rows
    )
    return page_svg(
        buffer.getvalue(), title="Participants and met rate per round", description=summary
    )


def _percent_or_gap(rate: float | None) -> float:
    """A rate for the chart's lines; no rate (a round in progress, no groups) is a gap, not 0."""
    return math.nan if rate is None else 100 * rate


def _pct(value: float | None) -> str:
    return "unknown" if value is None else f"{round(100 * value)} %"
