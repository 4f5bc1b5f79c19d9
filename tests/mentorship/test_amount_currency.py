"""Amounts say their currency (issue 20), the one the site is configured with."""

from __future__ import annotations

from decimal import Decimal

from peerly.mentorship.forms import RequestForm
from peerly.mentorship.models import SupportRequest


def test_amount_label_names_the_currency(settings):  # type: ignore[no-untyped-def]
    settings.PEERLY_CURRENCY = "USD"
    assert SupportRequest(amount=Decimal("120.50")).amount_label == "USD 120.50"
    assert SupportRequest(amount=None).amount_label == ""
    assert "USD" in str(RequestForm().fields["amount"].label)


def test_templates_print_amounts_with_their_currency():
    from pathlib import Path

    import peerly

    root = Path(peerly.__file__).parent / "templates"
    raw = [
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file()
        and (
            "item.amount }}" in p.read_text()
            or "amount=request.amount " in p.read_text()
            or "item.amount|" in p.read_text()
        )
    ]
    assert raw == []
