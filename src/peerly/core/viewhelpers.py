"""Views: attempt a service call and show its error — instead of `except ServiceError`
written in every view.

    with service_errors(request, form) as outcome:
        services.join_program(user=request.user, program=program, ...)
    if outcome.ok:
        return redirect(...)
    # the ServiceError is on the form (on its field when the form has one), nothing changed

`form=None` puts the message into `messages.error` instead (for POST-and-redirect buttons);
`success="…"` is said with `messages.success` when the call went through.
`attempt(request, form, fn, **kwargs)` is the same as a call: it returns fn's result, or
None after showing the error. `submitted(request, form, fn, success, **kwargs)` is a form
page's POST step: a POSTed, valid form goes to `fn(**kwargs, **form.cleaned_data)`.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from typing import TypeVar

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest

from peerly.core.errors import ServiceError

T = TypeVar("T")


@dataclass
class Outcome:
    ok: bool = True
    error: ServiceError | None = None

    @property
    def message(self) -> str:
        return self.error.message if self.error is not None else ""


def show_error(request: HttpRequest | None, form: BaseForm | None, exc: ServiceError) -> None:
    """A ServiceError on the form (its field if the form has that field), else a message."""
    if form is not None:
        field = exc.field if exc.field and exc.field in form.fields else None
        form.add_error(field, exc.message)
    elif request is not None:
        messages.error(request, exc.message)


@contextmanager
def service_errors(
    request: HttpRequest | None, form: BaseForm | None = None, *, success: str = ""
) -> Iterator[Outcome]:
    outcome = Outcome()
    try:
        yield outcome
    except ServiceError as exc:
        outcome.ok, outcome.error = False, exc
        show_error(request, form, exc)
    else:
        if success and request is not None:
            messages.success(request, success)


def attempt(
    request: HttpRequest | None,
    form: BaseForm | None,
    fn: Callable[..., T],
    /,
    *args: Any,
    **kwargs: Any,
) -> T | None:
    """`fn(*args, **kwargs)`, or None after showing its ServiceError on the form/messages."""
    try:
        return fn(*args, **kwargs)
    except ServiceError as exc:
        show_error(request, form, exc)
        return None


def submitted(
    request: HttpRequest,
    form: BaseForm,
    fn: Callable[..., object],
    success: str = "",
    /,
    **kwargs: Any,
) -> bool:
    """The form page's POST step: True once a POSTed, valid `form` went through
    `fn(**kwargs, **form.cleaned_data)` (one service call; the form's fields are its keyword
    arguments) without a ServiceError, `success` said. False on GET, on an invalid form, or
    after the ServiceError was put on the form (nothing changed)."""
    if request.method != "POST" or not form.is_valid():
        return False
    with service_errors(request, form, success=success) as outcome:
        fn(**kwargs, **form.cleaned_data)
    return outcome.ok
