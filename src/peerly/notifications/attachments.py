"""Attachments made when an email is sent, not when it is queued.

A round's announcement carries calendar files for its group's suggested times: building
15,000 of them while 10,000 emails are queued would take longer than the whole rest of the
publish. An outbox attachment may therefore name a renderer instead of carrying its content:
`{"filename": …, "mimetype": …, "render": "rounds.suggestion_ics", "args": {…}}`. The app
that owns the object registers the renderer once, in its `AppConfig.ready()`; `send_email`
calls it (in the worker) and attaches the result. Plain `{"content": …}` attachments are
unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

Renderer = Callable[..., str]
_renderers: dict[str, Renderer] = {}


def register(name: str, renderer: Renderer) -> None:
    """Name `renderer` (keyword arguments from the attachment's `args` → its content)."""
    _renderers[name] = renderer


def content_of(item: Mapping[str, Any], *, cache: dict[str, str] | None = None) -> str:
    """An attachment's content: stored, or rendered now by its registered renderer (once per
    `cache`, e.g. one batch of sends, for the same renderer and arguments)."""
    if "render" not in item:
        return str(item["content"])
    renderer = _renderers.get(item["render"])
    if renderer is None:
        raise LookupError(f"no attachment renderer named {item['render']!r}")
    args = item.get("args", {})
    key = json.dumps([item["render"], args], sort_keys=True)
    if cache is not None and key in cache:
        return cache[key]
    content = renderer(**args)
    if cache is not None:
        cache[key] = content
    return content
