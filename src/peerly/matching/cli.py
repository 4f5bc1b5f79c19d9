"""``peerly match groups|mentors``: files in, files out, one-line errors with exit code 2."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import sys
import time
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import NoReturn

from .groups import form_groups
from .io import InputError
from .io import read_history
from .io import read_members
from .io import read_mentees
from .io import read_mentors
from .io import read_scores
from .io import write_csv
from .io import write_json
from .mentors import assign_mentors
from .types import MAX_GROUP_SIZE
from .types import METHODS
from .types import MIN_GROUP_SIZE
from .types import STRATEGIES
from .types import TEAM_RULES
from .types import GroupOptions
from .types import MentorOptions

MAX_ROUNDS = 10_000
GC_THRESHOLD = 50_000  # allocations between young collections while a command runs (default 700)


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Fewer garbage collections while one command reads, solves and writes.

    A large input is hundreds of thousands of live objects (members, windows, groups), and
    with the default thresholds every young collection promotes them and every full one walks
    them all again (about a tenth of a 100,000-member run).  Young collections run every
    :data:`GC_THRESHOLD` allocations instead, and the input, once read, is frozen
    (``gc.freeze``: never scanned again) unless a caller froze objects already.  Cycles are
    still collected, and everything is back as it was when the command ends."""
    old = gc.get_threshold()
    _frozen.clear()
    _frozen.append(gc.get_freeze_count() == 0)  # ours to freeze (and to unfreeze)
    gc.set_threshold(max(old[0], GC_THRESHOLD), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)
        if _frozen and _frozen[0] and gc.get_freeze_count():
            gc.unfreeze()
        _frozen.clear()


_frozen: list[bool] = []


def _freeze_inputs() -> None:
    """The objects alive now (the input just read) are left out of later collections."""
    if _frozen and _frozen[0]:
        gc.freeze()


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: error: {message}")


def _bounded_int(low: int, high: int) -> type[int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}, got {value}")
        return value

    return parse  # type: ignore[return-value]


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number >= 0, got {text!r}")
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date like 2027-03-22: {text!r}") from None


REFERENCE_HELP = (
    "a date in the week whose UTC offsets convert the local availability "
    "(default: today); overlap is computed for that one reference week"
)


def build_parser() -> Parser:
    parser = Parser(prog="peerly match", description="Form groups or assign mentors.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    g = sub.add_parser("groups", help="partition members into groups of a size")
    g.add_argument("--members", required=True)
    g.add_argument("--history")
    g.add_argument("--size", type=_bounded_int(MIN_GROUP_SIZE, MAX_GROUP_SIZE), default=2)
    g.add_argument("--seed", type=_bounded_int(0, 2**63 - 1), default=0)
    g.add_argument("--strategy", choices=STRATEGIES, default="strangers")
    g.add_argument("--team-rule", choices=TEAM_RULES, default="cross")
    g.add_argument(
        "--min-overlap",
        dest="min_overlap_hours",
        type=_non_negative_float,
        default=0.0,
        metavar="HOURS",
    )
    g.add_argument(
        "--min-slot",
        dest="min_slot_minutes",
        type=_bounded_int(0, 10080),
        default=0,
        metavar="MINUTES",
    )
    g.add_argument("--history-window", type=_bounded_int(1, 10**9), metavar="ROUNDS")
    g.add_argument("--rounds", type=_bounded_int(1, MAX_ROUNDS), default=1)
    g.add_argument("--reference", type=_date, metavar="DATE", help=REFERENCE_HELP)
    g.add_argument("--out", required=True)
    g.add_argument("--report")
    m = sub.add_parser("mentors", help="assign mentees to mentors")
    m.add_argument("--mentors", required=True)
    m.add_argument("--mentees", required=True)
    m.add_argument("--scores")
    m.add_argument("--method", choices=METHODS, default="optimal")
    m.add_argument("--seed", type=_bounded_int(0, 2**63 - 1), default=0)
    m.add_argument("--worst-first", action="store_true", help="maximise the worst-off first")
    m.add_argument("--out", required=True)
    m.add_argument("--report")
    return parser


def _check_outputs(*paths: str | None) -> None:
    for path in paths:
        if path is None:
            continue
        parent = Path(path).resolve().parent
        if not parent.is_dir():
            raise UsageError(f"peerly match: error: output directory {str(parent)!r} missing")
        if Path(path).is_dir():
            raise UsageError(f"peerly match: error: output {path!r} is a directory")


def _groups(args: argparse.Namespace, started: float) -> str:
    _check_outputs(args.out, args.report)
    members = read_members(args.members, reference=args.reference)
    history = read_history(args.history, [m.id for m in members]) if args.history else []
    _freeze_inputs()
    # the group options' flags are named (``dest``) after GroupOptions' fields
    given = vars(args)
    options = GroupOptions(
        **{f.name: given[f.name] for f in fields(GroupOptions) if f.name in given}
    )
    result = form_groups(members, history, options)
    rows = [
        (plan.round, number, member)
        for plan in result.rounds
        for number, group in enumerate(plan.groups, start=1)
        for member in group.member_ids
    ]
    first = result.rounds[0]
    if args.report:
        if len(result.rounds) == 1:
            report = dict(first.metrics)
        else:
            report = dict(result.season_metrics)
            report["unmatched"] = [
                {"round": plan.round, **row}
                for plan in result.rounds
                for row in plan.metrics["unmatched"]  # type: ignore[attr-defined]
            ]
            report["per_round"] = [dict(plan.metrics) for plan in result.rounds]
        report["seconds"] = round(time.perf_counter() - started, 4)
        write_json(args.report, report)
    write_csv(args.out, ("round", "group", "member_id"), rows)
    total = result.season_metrics
    return (
        f"{len(result.rounds)} round{'' if len(result.rounds) == 1 else 's'} "
        f"from {first.round}: {total['groups']} groups, "
        f"{len(members)} members, {total['repeat_pairs']} repeat pairs "
        f"({total['excess_repeat_pairs']} excess), "
        f"{sum(len(p.unmatched) for p in result.rounds)} unmatched -> {args.out}"
    )


def _mentors(args: argparse.Namespace, started: float) -> str:
    _check_outputs(args.out, args.report)
    mentors = read_mentors(args.mentors)
    mentees = read_mentees(args.mentees)
    scores = None
    if args.scores:
        scores = read_scores(args.scores, [e.id for e in mentees], [m.id for m in mentors])
    _freeze_inputs()
    options = MentorOptions(
        method=args.method, seed=args.seed, maximize_worst_first=args.worst_first, scores=scores
    )
    result = assign_mentors(mentors, mentees, options)
    rows = [
        (a.mentee_id, a.mentor_id or "", f"{a.score:.6f}" if a.mentor_id else "", a.reason)
        for a in result.assignments
    ]
    if args.report:
        report = dict(result.metrics)
        report["unassigned_mentees"] = [
            {"id": a.mentee_id, "reason": a.reason, "detail": a.detail}
            for a in result.assignments
            if a.mentor_id is None
        ]
        report["seconds"] = round(time.perf_counter() - started, 4)
        write_json(args.report, report)
    write_csv(args.out, ("mentee_id", "mentor_id", "score", "reason"), rows)
    m = result.metrics
    return (
        f"{m['method']}: {m['assigned']} of {m['mentees']} mentees assigned, "
        f"total score {m['total_score']}, {m['blocking_pairs']} blocking pairs -> {args.out}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    try:
        args = build_parser().parse_args(list(argv) if argv is not None else None)
        with _fewer_collections():
            summary = (
                _groups(args, started) if args.command == "groups" else _mentors(args, started)
            )
    except SystemExit as exc:  # --help
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    except (UsageError, InputError) as exc:
        sys.stderr.write(f"{_one_line(str(exc))}\n")
        return 2
    except OSError as exc:
        sys.stderr.write(f"peerly match: error: {_one_line(str(exc))}\n")
        return 2
    sys.stdout.write(summary + "\n")
    return 0


def _one_line(text: str) -> str:
    return " ".join(text.split())
