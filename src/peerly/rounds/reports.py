"""Round and programme reports for organisers (figures as defined in PRODUCT.md §5), and the
server-side SVG chart. Organisers see names, teams they may see, and answers — never private
profile fields, do-not-pair lists or anything members wrote about each other."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from typing import Any

from django.utils.html import escape

from peerly.accounts.models import User
from peerly.core.security import svg_without_inline_css
from peerly.programs.models import Program
from peerly.rounds.models import MET_ANSWERS, GroupMember, Round, UnmatchedMember
from peerly.rounds.selectors import list_groups_for_organiser, organiser_team
from peerly.rounds.services import NOT_DRAWN_LABELS, Preview

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
            tags.append(f"{len(repeats)} repeat pair(s)")  # type: ignore[arg-type]
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
    matched = sum(len(g) for g in groups)
    met = sum(1 for g in groups if any(m["answer"] in MET_ANSWERS for m in g))
    reported = sum(1 for g in groups if any(m["answer"] for m in g))
    ratings = [m["rating"] for g in groups for m in g if m["rating"]]
    metrics = round_.metrics or {}
    return {
        "number": round_.number,
        "published_at": round_.published_at,
        "status": round_.status,
        "participants": matched + unmatched,
        "matched": matched,
        "unmatched": unmatched,
        "not_drawn": len(metrics.get("not_drawn", [])),
        "groups": len(groups),
        "repeat_pairs": metrics.get("repeat_pairs", 0),
        "unavoidable_repeat_pairs": metrics.get("unavoidable_repeat_pairs", 0),
        "cross_team_rate": metrics.get("cross_team_rate"),
        "mean_overlap_hours": metrics.get("mean_overlap_hours"),
        "met": met,
        "reported": reported,
        "unknown": len(groups) - reported,
        "met_rate": _rate(met, len(groups)),
        "report_rate": _rate(reported, len(groups)),
        "ratings": len(ratings),
        "mean_rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
    }


def round_report(round_: Round) -> dict[str, Any]:
    groups = list(list_groups_for_organiser(round_=round_))
    unmatched = list(UnmatchedMember.objects.filter(round=round_).select_related("user"))
    rows = []
    plain: list[list[dict[str, Any]]] = []
    for g in groups:
        members = list(g.members.all())
        plain.append([{"answer": m.answer, "rating": m.rating} for m in members])
        rows.append(
            {
                "group": g,
                "members": [
                    {
                        "name": m.user.name,
                        "team": organiser_team(getattr(m.user, "profile", None)),
                        "answer": m.get_answer_display() if m.answer else "unknown",
                        "rating": m.rating,
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
    not_drawn_ids = [row["user_id"] for row in (round_.metrics or {}).get("not_drawn", [])]
    names = User.objects.in_bulk(not_drawn_ids)
    return {
        "figures": _figures(round_, plain, len(unmatched)),
        "groups": rows,
        "unmatched": [(u.user.name, reason_label(u.reason, u.detail)) for u in unmatched],
        "not_drawn": [
            (
                names[row["user_id"]].name if row["user_id"] in names else "—",
                NOT_DRAWN_LABELS.get(row["reason"], row["reason"]),
            )
            for row in (round_.metrics or {}).get("not_drawn", [])
        ],
    }


def program_figures(program: Program) -> list[dict[str, Any]]:
    """One row of figures per round, oldest first (3 queries whatever the size)."""
    rounds = list(Round.objects.filter(program=program).order_by("number"))
    by_group: dict[int, list[dict[str, Any]]] = defaultdict(list)
    group_round: dict[int, int] = {}
    for row in GroupMember.objects.filter(round__program=program).values(
        "group_id", "round_id", "answer", "rating"
    ):
        by_group[row["group_id"]].append(dict(row))
        group_round[row["group_id"]] = row["round_id"]
    groups_of: dict[int, list[list[dict[str, Any]]]] = defaultdict(list)
    for gid, members in by_group.items():
        groups_of[group_round[gid]].append(members)
    unmatched: dict[int, int] = defaultdict(int)
    for rid in UnmatchedMember.objects.filter(round__program=program).values_list(
        "round_id", flat=True
    ):
        unmatched[rid] += 1
    return [_figures(r, groups_of.get(r.pk, []), unmatched.get(r.pk, 0)) for r in rounds]


def program_report(program: Program) -> dict[str, Any]:
    rows = program_figures(program)
    groups = sum(r["groups"] for r in rows)
    met = sum(r["met"] for r in rows)
    reported = sum(r["reported"] for r in rows)
    ratings = [(r["mean_rating"], r["ratings"]) for r in rows if r["ratings"]]
    totals = {
        "rounds": len(rows),
        "groups": groups,
        "met_rate": _rate(met, groups),
        "report_rate": _rate(reported, groups),
        "repeat_pairs": sum(r["repeat_pairs"] for r in rows),
        "unavoidable_repeat_pairs": sum(r["unavoidable_repeat_pairs"] for r in rows),
        "mean_rating": round(sum(m * n for m, n in ratings) / sum(n for _, n in ratings), 2)
        if ratings
        else None,
    }
    return {"rows": list(reversed(rows)), "totals": totals, "chart": chart_svg(rows)}


def chart_svg(rows: list[dict[str, Any]]) -> str:
    """Participants and matched per round (bars) with met and report rates (lines), as an
    inline SVG string with a <title> and a text alternative; '' when there are no rounds."""
    if not rows:
        return ""
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
            label="participants",
            color="#9db4de",
        )
        ax.bar(
            [i + 0.2 for i in x],
            [r["matched"] for r in rows],
            width=0.4,
            label="matched",
            color="#2b5cb8",
        )
        ax.set_xticks(x, labels)
        ax.set_ylabel("members")
        ax2 = ax.twinx()
        ax2.plot(
            x,
            [100 * (r["met_rate"] or 0) for r in rows],
            marker="o",
            color="#1c7a45",
            label="met rate %",
        )
        ax2.plot(
            x,
            [100 * (r["report_rate"] or 0) for r in rows],
            marker="s",
            color="#8a5a00",
            linestyle="--",
            label="report rate %",
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
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    summary = "; ".join(
        f"round {r['number']}: {r['participants']} participants, {r['matched']} matched, "
        f"met rate {_pct(r['met_rate'])}, report rate {_pct(r['report_rate'])}"
        for r in rows
    )
    title = f"<title>Participants and met rate per round</title><desc>{escape(summary)}</desc>"
    svg = re.sub(r"<svg([^>]*)>", lambda m: f'<svg{m.group(1)} role="img">{title}', svg, count=1)
    svg = re.sub(r'\swidth="[^"]*pt"\s+height="[^"]*pt"', ' width="100%"', svg, count=1)
    return svg_without_inline_css(svg)  # the page's CSP refuses inline CSS


def _pct(value: float | None) -> str:
    return "unknown" if value is None else f"{round(100 * value)} %"
