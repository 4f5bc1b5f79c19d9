"""The assign page builds each mentor's engine input once per request, not once per
applicant (issue 19: suggestions rebuilt every mentor's input and zone on every call)."""

from __future__ import annotations

from django.urls import reverse

from peerly.mentorship import matching_bridge


def test_assign_page_builds_each_mentor_input_once(world, monkeypatch):  # type: ignore[no-untyped-def]
    world.apply(world.mentee)
    world.apply(world.other_mentee)
    calls: list[int] = []
    real = matching_bridge.mentor_input

    def counting(mentor, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(mentor.pk)
        return real(mentor, **kwargs)

    monkeypatch.setattr(matching_bridge, "mentor_input", counting)
    page = world.personas.client("organiser").get(
        reverse("mentorship:manage-assign", args=[world.program.slug])
    )
    assert page.status_code == 200
    assert sorted(calls) == sorted({world.mentor.pk, world.other_mentor.pk})  # 2, not 2 × 2
