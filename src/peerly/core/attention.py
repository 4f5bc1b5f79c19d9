"""'Needs my attention' items for the home dashboard.

Two sources, both explicit (nothing is discovered by module name): the shared apps that have
items of their own (accounts: your profile; programs: approvals waiting; growth: your overdue
milestones and goals past their date), and every
registered programme kind (`Kind.attention_items`, programs/kinds.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AttentionItem:
    text: str
    url: str
    kind: str = "info"  # info | action | warning


def collect(user: object) -> list[AttentionItem]:
    from peerly.accounts import attention as accounts_attention
    from peerly.growth import attention as growth_attention
    from peerly.programs import attention as programs_attention
    from peerly.programs import kinds

    items: list[AttentionItem] = []
    items.extend(accounts_attention.attention_items(user))
    items.extend(programs_attention.attention_items(user))
    items.extend(growth_attention.attention_items(user))
    for kind in kinds.registry():
        items.extend(kind.attention_items(user))
    return items
