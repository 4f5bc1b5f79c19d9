"""Browser journeys: Playwright (Python) driving Debian's Chromium against live_server.

Skipped with one clear line when Chromium or Playwright is missing, except under CI=true,
where a missing browser is a failure (the Makefile checks that before running).

Every page a journey visits is audited with axe-core (node_modules/axe-core, from the npm
registry through `make install`): after each `page.goto`, before each action on a page
(click, fill, check, ...), and when the journey ends, the document in the tab is checked once,
and the journey fails on any violation. axe is loaded as an init script, which the browser
runs outside the page's Content-Security-Policy (an injected `<script>` tag would be refused by
`script-src 'self'`), so the CSP itself stays in force and is checked as before.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PEERLY_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Locator actions before which the page in the tab is audited (its state as the user meets it).
AUDITED_ACTIONS = (
    "click",
    "dblclick",
    "check",
    "uncheck",
    "set_checked",
    "fill",
    "press",
    "select_option",
    "set_input_files",
)
# Third-party widgets whose markup is not ours to fix; the page around them is still audited.
AXE_EXCLUDE = [
    "#swagger-ui",  # django-ninja's bundled Swagger UI (the API docs page)
]
_RUN_AXE = """async (exclude) => {
  window.__peerlyAxeAudited = true;
  const present = exclude.filter(selector => document.querySelector(selector));
  const context = present.length ? {include: [["html"]], exclude: present.map(s => [s])} : document;
  const result = await axe.run(context, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""


AUDITS: list[tuple[int, float, int]] = []  # (pages, seconds, violations) per journey


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if AUDITS:
        pages, seconds, found = (sum(a[i] for a in AUDITS) for i in range(3))
        terminalreporter.write_line(
            f"axe-core audited {pages} pages in {seconds:.1f} s: {found} violations"
        )


class AxeAudit:
    """Runs axe-core once on each document shown in `page`; collects the violations."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.audited: list[str] = []
        self.violations: list[str] = []
        self.seconds = 0.0

    def check(self) -> None:
        started = time.perf_counter()
        try:
            self._check()
        finally:
            self.seconds += time.perf_counter() - started

    def _check(self) -> None:
        from playwright.sync_api import Error

        page = self.page
        if page.is_closed():
            return
        for _attempt in range(3):  # a navigation may replace the document while we look
            try:
                page.wait_for_load_state("load")
                if page.evaluate("() => window.__peerlyAxeAudited === true"):
                    return
                found = page.evaluate(_RUN_AXE, AXE_EXCLUDE)
            except Error as exc:
                if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                    raise
                continue
            self.audited.append(page.url)
            for v in found:
                self.violations.append(
                    f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
                )
            return


def _audited(original, *, before: bool):  # type: ignore[no-untyped-def]
    def wrapper(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        page = self if hasattr(self, "goto") else self.page
        audit = getattr(page, "_peerly_axe", None)
        if before and audit is not None:
            audit.check()
        result = original(self, *args, **kwargs)
        if not before and audit is not None:
            audit.check()
        return result

    return wrapper


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the tests are
    # still synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, monkeypatch):  # type: ignore[no-untyped-def]
    """A fresh page; the journey fails if the browser refused anything under the CSP, or if
    axe-core found an accessibility violation on any page it showed."""
    from playwright.sync_api import Locator
    from playwright.sync_api import Page

    if not AXE_JS.exists():
        if os.environ.get("CI") in ("true", "1"):
            pytest.fail(f"axe-core missing at {AXE_JS} (run `make install`, which needs npm)")
        pytest.skip(f"axe-core missing at {AXE_JS}: run `make install` (needs npm)")
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    context.add_init_script(path=AXE_JS)
    page = context.new_page()
    audit = AxeAudit(page)
    page._peerly_axe = audit  # type: ignore[attr-defined]
    monkeypatch.setattr(Page, "goto", _audited(Page.goto, before=False))
    for name in AUDITED_ACTIONS:
        monkeypatch.setattr(Locator, name, _audited(getattr(Locator, name), before=True))
    refused: list[str] = []
    page.on(
        "console",
        lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield page
    audit.check()
    AUDITS.append((len(audit.audited), audit.seconds, len(audit.violations)))
    context.close()
    assert refused == [], "the Content-Security-Policy refused: " + "; ".join(refused)
    assert audit.audited, "axe-core audited no page"
    assert audit.violations == [], "axe-core found:\n" + "\n".join(audit.violations)


@pytest.fixture
def login(page):  # type: ignore[no-untyped-def]
    """login(user) logs `user` in through the real form (password: tests.factories.PASSWORD)."""
    from tests.factories import PASSWORD

    def _login(user) -> None:  # type: ignore[no-untyped-def]
        page.context.clear_cookies()
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/home/")

    return _login
