"""form_full_groups: groups never smaller than the size, isolation check, remainder absorption."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from peerly.matching import GroupOptions
from peerly.matching import Member
from peerly.matching import PastGroup
from peerly.matching import form_full_groups
from peerly.matching.fullgroups import _best_home
from peerly.matching.fullgroups import isolated_members
from peerly.matching.scoring import Problem

from .helpers import violations

DAY = 1440
MONDAY = ((9 * 60, 17 * 60),)  # Monday 09:00-17:00 UTC
FRIDAY_EVENING = ((4 * DAY + 18 * 60, 4 * DAY + 20 * 60),)


def people(n: int, availability=MONDAY, prefix: str = "m", **kw) -> list[Member]:  # type: ignore[no-untyped-def]
    return [Member(id=f"{prefix}{i:02d}", availability=availability, **kw) for i in range(n)]


def triads(**kw: object) -> GroupOptions:
    return GroupOptions(size=3, seed=1, min_slot_minutes=90, **kw)  # type: ignore[arg-type]


def sizes(result) -> list[int]:  # type: ignore[no-untyped-def]
    return sorted(len(g.member_ids) for g in result.groups)


@pytest.mark.parametrize(
    ("n", "size", "expected", "left"),
    [
        (0, 3, [], []),
        (1, 3, [], ["no_common_availability"]),  # nobody to share a slot with
        (2, 3, [], ["remainder"] * 2),
        (3, 3, [3], []),
        (4, 3, [4], []),
        (5, 3, [4], ["remainder"]),
        (7, 3, [3, 4], []),
        (8, 3, [4, 4], []),  # the engine's 3 + 3 + 2: the pair joins the triads
        (10, 3, [3, 3, 4], []),
        (11, 3, [3, 4, 4], []),
        (5, 4, [5], []),
        (7, 4, [5], ["remainder"] * 2),  # 4 + 3: one joins the four; a re-plan places no more
        (9, 4, [4, 5], []),
    ],
)
def test_groups_are_never_smaller_than_the_size(n, size, expected, left):
    members = people(n)
    result = form_full_groups(members, (), GroupOptions(size=size, seed=2, min_slot_minutes=90))
    assert sizes(result) == expected
    assert [u.reason for u in result.unmatched] == left
    placed = [m for g in result.groups for m in g.member_ids]
    assert len(placed) == len(set(placed)) == n - len(left)


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        (people(1, FRIDAY_EVENING, prefix="x"), "no_common_availability"),
        # shares an hour with the others: less than the 90-minute slot
        (people(1, ((16 * 60, 18 * 60),), prefix="x"), "no_common_availability"),
    ],
)
def test_isolated_members_are_reported_before_planning(extra, reason):
    members = [*people(3), *extra]
    result = form_full_groups(members, (), triads())
    assert sizes(result) == [3]
    assert [(u.member_id, u.reason) for u in result.unmatched] == [("x00", reason)]
    assert result.metrics["isolation_checked"] is True


def test_above_the_pair_check_limit_the_engine_alone_explains_them():
    members = [*people(3), *people(1, FRIDAY_EVENING, prefix="x")]
    result = form_full_groups(members, (), triads(), pair_check_limit=2)
    assert result.metrics["isolation_checked"] is False
    assert sizes(result) == [3]
    assert [u.member_id for u in result.unmatched] == ["x00"]


def test_isolated_members_is_exact():
    members = [
        *people(2),
        Member(id="late", availability=((16 * 60, 18 * 60),)),
        Member(id="late2", availability=((16 * 60 + 30, 19 * 60),)),
        Member(id="alone", availability=FRIDAY_EVENING),
    ]
    assert isolated_members(members, 90) == {"alone"}
    assert isolated_members(members, 30) == {"alone"}
    assert isolated_members(members, 120) == {"alone", "late", "late2"}
    assert isolated_members(members[:1], 30) == {"m00"}  # nobody to share with


def test_the_remainder_never_joins_someone_they_asked_not_to_meet():
    members = [
        *people(3),
        Member(id="zed", availability=MONDAY, do_not_pair=frozenset({"m00", "m01", "m02"})),
    ]
    result = form_full_groups(members, (), triads())
    assert [g.member_ids for g in result.groups] == [("m00", "m01", "m02")]
    assert [u.member_id for u in result.unmatched] == ["zed"]


@pytest.mark.parametrize(
    ("newcomer", "expected"),
    [
        (Member(id="c00", availability=((8 * 60, 20 * 60),)), "b"),  # 12 h with b, 8 h with a
        (Member(id="c00", availability=MONDAY), "a"),  # 8 h with both: the first group
        (Member(id="c00", availability=MONDAY, languages=frozenset({"fr"})), "a"),
        (Member(id="c00", availability=MONDAY, do_not_pair=frozenset({"a01", "b02"})), None),
        (Member(id="c00", availability=((16 * 60 + 45, 18 * 60),)), None),  # 75 min < 90
    ],
)
def test_a_remainder_member_goes_where_the_common_time_grows_most(newcomer, expected):
    a = people(3, MONDAY, prefix="a", languages=frozenset({"en", "fr"}))
    b = people(3, ((8 * 60, 20 * 60),), prefix="b", languages=frozenset({"en"}))
    full = people(4, MONDAY, prefix="f")  # already size + 1: takes nobody
    members = [*a, *b, *full, newcomer]
    problem = Problem(members, (), triads(), round_no=1)
    groups = [[m.id for m in full], [m.id for m in a], [m.id for m in b]]
    home = _best_home(problem, "c00", groups, 3)
    assert (home[0][0] if home else None) == expected


def test_every_group_is_explained_by_the_engine():
    members = people(4, interests=frozenset({"chess", "go"}))
    history = [PastGroup(round=1, member_ids=("m00", "m01", "m02"))]
    result = form_full_groups(members, history, triads())
    (group,) = result.groups
    assert group.member_ids == ("m00", "m01", "m02", "m03")
    assert group.repeat_pairs == (("m00", "m01"), ("m00", "m02"), ("m01", "m02"))
    assert group.common_windows == MONDAY
    assert group.overlap_hours == 8
    assert group.shared_interests == ("chess", "go")
    assert group.components["novelty"] < 0  # the repeats cost
    assert group.score == pytest.approx(sum(group.components.values()), abs=1e-5)
    assert result.rounds[0].round == 2
    assert result.metrics["repeat_pairs"] == 3


def test_one_round_only_and_unique_ids():
    with pytest.raises(ValueError, match="one round"):
        form_full_groups(people(3), (), GroupOptions(size=3, rounds=2))
    with pytest.raises(ValueError, match="duplicate member id"):
        form_full_groups([*people(3), *people(1)], (), triads())


# --------------------------------------------------------------------------- properties
@st.composite
def populations(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(0, 18))
    ids = [f"p{i:02d}" for i in range(n)]
    members = []
    for mid in ids:
        others = [x for x in ids if x != mid]
        day = draw(st.integers(0, 2))
        start = day * DAY + draw(st.integers(6, 18)) * 60
        members.append(
            Member(
                id=mid,
                team=draw(st.sampled_from(["", "a", "b"])),
                languages=frozenset(draw(st.lists(st.sampled_from(["en", "de"]), max_size=2))),
                do_not_pair=frozenset(
                    draw(st.lists(st.sampled_from(others), max_size=1)) if others else []
                ),
                availability=((start, start + draw(st.sampled_from([60, 120, 240, 480]))),),
            )
        )
    history = []
    for r in range(1, draw(st.integers(0, 2)) + 1):
        shuffled = draw(st.permutations(ids))
        for g in range(0, len(shuffled) - 2, 3):
            history.append(PastGroup(r, tuple(sorted(shuffled[g : g + 3])), str(g)))
    options = GroupOptions(
        size=draw(st.integers(3, 4)),
        seed=draw(st.integers(0, 5)),
        strategy=draw(st.sampled_from(["strangers", "familiar", "random"])),
        team_rule=draw(st.sampled_from(["cross", "none"])),
        min_slot_minutes=draw(st.sampled_from([60, 90])),
        time_limit_seconds=0.2,
    )
    return members, history, options


@settings(max_examples=60, deadline=None)
@given(populations())
def test_properties(population):  # type: ignore[no-untyped-def]
    members, history, options = population
    result = form_full_groups(members, history, options)
    by_id = {m.id: m for m in members}
    placed = [m for g in result.groups for m in g.member_ids]
    left = [u.member_id for u in result.unmatched]
    assert len(placed) == len(set(placed)), "someone placed twice"
    assert sorted(placed + left) == sorted(by_id), "someone neither placed nor explained"
    assert all(u.reason for u in result.unmatched)
    for g in result.groups:
        assert options.size <= len(g.member_ids) <= options.size + 1
        assert g.member_ids == tuple(sorted(g.member_ids))
        assert not violations(g.member_ids, by_id, options)
    assert result.metrics["hard_rule_violations"] == 0
    # same seed, same answer, whatever the input order
    shuffled = list(members)
    random.Random(len(members)).shuffle(shuffled)
    again = form_full_groups(shuffled, list(reversed(history)), options)
    assert again.groups == result.groups
    assert again.unmatched == result.unmatched
