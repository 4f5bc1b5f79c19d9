"""`{% shared a b … %}…{% endshared %}`: a piece of an email that is the same for every
recipient who sees the same `a b …` (in the same language, HTML or text), rendered once per
batch instead of once per email.

A round's announcement says "Round 7 of Coffee is drawn" and "between Monday 7 December and
Friday 18 December" to all 10,000 members; only the greeting, the partners and the times in
each member's zone differ. Wrapped in `{% shared round.number program.name %}`, the first is
rendered once per language. The values listed ARE the key, so a piece must use nothing but
them (and constants): name every variable it shows.

It caches only while `notifications.rendering.EmailTemplate` renders a batch (the context
then holds `FRAGMENTS`, a dict owned by that batch's templates); anywhere else (one email,
a page) the tag just renders its content.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Hashable
from typing import Any

from django import template
from django.template.base import FilterExpression
from django.template.base import NodeList
from django.template.base import Parser
from django.template.base import Token
from django.template.context import Context
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

FRAGMENTS = "_email_fragments"  # the context variable holding a batch's rendered pieces


def _hashable(value: Any) -> Hashable:
    """`value` as a key: lists and tuples as tuples, and a dataclass instance as its type and
    fields (a reminder's `suggestions` are `Suggestion`s), so that equal values are one key."""
    kind = type(value)
    if kind is str or kind is int or value is None:  # most keys: quickly
        return value  # type: ignore[no-any-return]
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dt.datetime):  # equal instants in two zones are equal: keep the zone
        return (value, value.tzinfo)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS.get(kind)
        if names is None:
            names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
        return (kind, *(_hashable(getattr(value, name)) for name in names))
    return value  # type: ignore[no-any-return]


_FIELDS: dict[type, tuple[str, ...]] = {}  # a dataclass's field names, looked up once


class SharedNode(template.Node):
    def __init__(self, nodelist: NodeList, keys: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.keys = keys

    def render(self, context: Context) -> SafeString | str:
        store = context.get(FRAGMENTS)
        if store is None:
            return self.nodelist.render(context)
        key = (
            id(self),
            get_language(),
            context.autoescape,
            *(_hashable(k.resolve(context)) for k in self.keys),
        )
        try:
            hit = store.get(key)
        except TypeError:  # a value that cannot be a key: render as usual
            return self.nodelist.render(context)
        if hit is None:
            hit = store[key] = self.nodelist.render(context)  # a SafeString, as rendered
        return hit


@register.tag("shared")
def do_shared(parser: Parser, token: Token) -> SharedNode:
    """`{% shared value … %}…{% endshared %}` (see the module's docstring)."""
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% shared %} needs the values the piece shows.")
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    return SharedNode(nodelist, [parser.compile_filter(b) for b in bits])
