"""'Needs my attention' items for the home dashboard, collected from every Peerly app.

An app contributes by defining `attention_items(user) -> list[AttentionItem]` in its
`attention.py`. The core and programme apps stay unaware of each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps


@dataclass(frozen=True)
class AttentionItem:
    text: str
    url: str
    kind: str = "info"  # info | action | warning


def collect(user: object) -> list[AttentionItem]:
    items: list[AttentionItem] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("peerly.") or config.name == "peerly.core":
            continue
        try:
            module = import_module(f"{config.name}.attention")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.attention":
                raise
            continue
        items.extend(module.attention_items(user))
    return items
