"""Independent checks used by the engine tests (no engine internals)."""

from __future__ import annotations

from itertools import combinations

from peerly.matching import GroupingResult
from peerly.matching import GroupOptions
from peerly.matching import Member
from peerly.matching import overlap_minutes
from peerly.matching.availability import common_windows
from peerly.matching.availability import longest_window


def violations(group: tuple[str, ...], members: dict[str, Member], options: GroupOptions) -> list:
    out = []
    for a, b in combinations(group, 2):
        if b in members[a].do_not_pair or a in members[b].do_not_pair:
            out.append(("do_not_pair", a, b))
    langs = [members[m].languages for m in group if members[m].languages]
    if len(langs) > 1 and not frozenset.intersection(*langs):
        out.append(("language", group))
    avails = [members[m].availability for m in group]
    if options.min_overlap_hours > 0 and overlap_minutes(*avails) < options.min_overlap_hours * 60:
        out.append(("overlap", group))
    if (
        options.min_slot_minutes > 0
        and longest_window(common_windows(*avails)) < options.min_slot_minutes
    ):
        out.append(("slot", group))
    return out


def check_result(result: GroupingResult, members: list[Member], options: GroupOptions) -> None:
    by_id = {m.id: m for m in members}
    low, high = max(2, options.size - 1), options.size + 1
    for plan in result.rounds:
        placed = [m for g in plan.groups for m in g.member_ids]
        assert len(placed) == len(set(placed)), "someone placed twice"
        unmatched = {u.member_id for u in plan.unmatched}
        assert not unmatched & set(placed)
        assert set(placed) | unmatched == set(by_id), "someone neither placed nor explained"
        assert all(u.reason for u in plan.unmatched)
        for g in plan.groups:
            assert tuple(sorted(g.member_ids)) == g.member_ids
            if options.size <= len(by_id):
                assert low <= len(g.member_ids) <= high or len(by_id) < low
            assert not violations(g.member_ids, by_id, options)
        assert plan.metrics["hard_rule_violations"] == 0


def signature(result: GroupingResult) -> list:
    return [
        ([g.member_ids for g in plan.groups], [(u.member_id, u.reason) for u in plan.unmatched])
        for plan in result.rounds
    ]
