"""core/viewhelpers.py: `service_errors(success=…)` and the form pages' `submitted` step (the
one place views attempt a service call and show its error, issue 12)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from peerly.core.errors import ServiceError
from peerly.core.viewhelpers import service_errors
from peerly.core.viewhelpers import submitted


class NameForm(forms.Form):
    name = forms.CharField()


def _request(method: str = "post") -> Any:
    request = getattr(RequestFactory(), method)("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _said(request: Any) -> list[str]:
    return [str(m) for m in get_messages(request)]


def test_success_is_said_only_when_the_call_went_through() -> None:
    request = _request()
    with service_errors(request, success="Saved.") as outcome:
        pass
    assert outcome.ok
    with service_errors(request, success="Saved again.") as refused:
        raise ServiceError("Closed.")
    assert not refused.ok
    assert _said(request) == ["Saved.", "Closed."]


def test_success_without_a_request_says_nothing() -> None:
    with service_errors(None, success="Saved.") as outcome:
        pass
    assert outcome.ok


def test_submitted_calls_fn_with_the_fixed_arguments_and_the_form_fields() -> None:
    calls: list[dict[str, Any]] = []

    def save(*, actor: str, name: str) -> None:
        calls.append({"actor": actor, "name": name})

    request = _request()
    form = NameForm({"name": "Ada"})
    assert submitted(request, form, save, "Saved.", actor="me")
    assert calls == [{"actor": "me", "name": "Ada"}]
    assert _said(request) == ["Saved."]


def test_submitted_is_false_on_get_on_an_invalid_form_and_on_a_refusal() -> None:
    def refuse(**_: Any) -> None:
        raise ServiceError("Taken.", field="name")

    def never(**_: Any) -> None:
        raise AssertionError("not called")

    assert not submitted(_request("get"), NameForm({"name": "Ada"}), never, "Saved.")
    invalid = NameForm({})
    assert not submitted(_request(), invalid, never, "Saved.")
    assert "name" in invalid.errors
    request = _request()
    form = NameForm({"name": "Ada"})
    assert not submitted(request, form, refuse, "Saved.")
    assert form.errors["name"] == ["Taken."]
    assert _said(request) == []
