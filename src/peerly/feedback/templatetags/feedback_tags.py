"""`{% exit_reasons as reasons %}`: the exit survey's reasons (code, label) for a kind's
closing form (ending a mentorship, withdrawing), rendered by feedback/_exit_reasons.html."""

from __future__ import annotations

from django import template

from peerly.feedback import bank

register = template.Library()


@register.simple_tag
def exit_reasons() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in bank.EXIT_REASONS]
