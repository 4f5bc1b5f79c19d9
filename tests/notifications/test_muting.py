"""One `muted()` for every kind's event emails (the demo replays history without mail)."""

from __future__ import annotations

import pytest

from peerly.mentorship import emails as mentorship_emails
from peerly.notifications.models import OutboundEmail
from peerly.notifications.muting import is_muted
from peerly.notifications.muting import muted
from peerly.notifications.muting import unless_muted


def test_an_email_function_does_nothing_inside_muted_and_nested_blocks_unwind() -> None:
    sent: list[int] = []

    @unless_muted
    def send(n: int) -> None:
        sent.append(n)

    send(1)
    with muted():
        send(2)
        with muted():
            send(3)
        assert is_muted()
        send(4)
    send(5)
    assert sent == [1, 5]
    assert not is_muted()


def test_muted_unwinds_after_an_exception() -> None:
    with pytest.raises(RuntimeError), muted():
        raise RuntimeError("boom")
    assert not is_muted()


@pytest.mark.parametrize(("inside_muted", "queued"), [(False, 1), (True, 0)])
def test_mentorship_emails_obey_the_shared_mute(db, inside_muted, queued):  # type: ignore[no-untyped-def]
    def send() -> bool:
        return mentorship_emails._send(
            key="mute-test", to="someone@example.com", template="account_exists", context={}
        )

    if inside_muted:
        with muted():
            assert send() is False
    else:
        send()
    assert OutboundEmail.objects.filter(key="mute-test").count() == queued
