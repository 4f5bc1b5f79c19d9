"""The axe-core audit of the journeys really catches a violation (it is not silently off)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import AXE_JS
from tests.e2e.conftest import AxeAudit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_audit_reports_an_image_without_alt_text(browser, live_server):  # type: ignore[no-untyped-def]
    if not AXE_JS.exists():
        pytest.skip(f"axe-core missing at {AXE_JS}")
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(path=AXE_JS)
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        audit = AxeAudit(page)
        page.evaluate(
            "() => { const i = document.createElement('img'); i.src = 'data:,';"
            " document.querySelector('main').appendChild(i); }"
        )
        audit.check()
        assert audit.audited == [page.url]
        assert any("image-alt" in v for v in audit.violations), audit.violations
        audit.check()  # once per document
        assert len(audit.audited) == 1
    finally:
        context.close()
