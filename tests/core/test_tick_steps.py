"""`peerly tick`: a step that fails does not lose the rest of the pass (bench/scale_out.py saw a
deadlock in one step skip the email retries and the requeue of stale jobs)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError
from django.core.management import call_command

from peerly.core.management.commands import tick as tick_command
from peerly.programs import kinds

pytestmark = pytest.mark.django_db


def test_a_failing_step_is_reported_and_the_later_steps_still_run(monkeypatch) -> None:
    ran: list[str] = []
    first = kinds.registry()[0]

    def broken(**_kw: object) -> dict[str, int]:
        raise RuntimeError("deadlock detected (simulated)")

    monkeypatch.setattr(type(first), "tick", lambda self, **kw: broken(**kw))
    monkeypatch.setattr(tick_command, "send_pending", lambda: ran.append("emails") or 3)
    monkeypatch.setattr(
        tick_command, "requeue_stale_jobs", lambda now=None: ran.append("jobs") or 1
    )
    summary = tick_command.run_ticks()
    prefix = first.app_label or first.code
    assert summary[f"failed.{prefix}"] == 1
    assert ran == ["emails", "jobs"]
    assert summary["emails_retried"] == 3
    assert summary["jobs_requeued"] == 1
    others = [k for k in kinds.registry() if k is not first]
    assert all(not any(key.startswith(f"failed.{k.app_label}") for key in summary) for k in others)

    with pytest.raises(CommandError, match=f"failed and were skipped: {prefix}"):
        call_command("tick")


def test_a_clean_tick_fails_nothing() -> None:
    summary = tick_command.run_ticks()
    assert not [k for k in summary if k.startswith("failed.")]
    call_command("tick")  # no CommandError
