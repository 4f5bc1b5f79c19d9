"""The programme-kind contract and its registry.

A programme kind (coffee rounds, circles, mentorship, …) is one app with one `kind.py`
defining a `Kind` subclass, registered once in its `AppConfig.ready()`:

    class CoffeeKind(Kind):
        code = "coffee"                 # Program.kind
        label = "Coffee rounds"
        app_label = "rounds"            # URL namespace and /api/v1/<app_label>/
        url_prefix = "coffee"           # /programs/<slug>/coffee/, from peerly.rounds.urls
        hooks = Hooks(create_settings=services.create_settings, tick=ticks.tick, …)
        ...

    def ready(self): kinds.register(CoffeeKind())

Home, `peerly tick`, API mounting, the demo and `peerly draw` loop over `registry()`;
nothing discovers modules by name. Every method has a harmless default, so a kind implements
only what it has. A kind with pages (a `url_prefix`) serves the `urls` module next to its
kind.py unless it names another `urls_module`, and its main pages are `program` (members)
and `manage` (organisers) unless it names others. The app's own functions the default
methods call are named explicitly in the kind's `hooks` (a `Hooks` value: create_settings,
api router, attention items, tick, demo population); a kind without one of them simply has
none. The kind's urls.py builds its `urlpatterns` with `programs.routes.kind_urlpatterns`
(the standard pages "program", "manage", "manage-settings" at the same paths in every kind).
See docs/architecture.md.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
    from ninja import Router

    from peerly.core.attention import AttentionItem
    from peerly.core.ics import CalendarEvent
    from peerly.programs.models import Enrollment
    from peerly.programs.models import Program


SEED_LIMIT = 2**31


def fresh_seed() -> int:
    """The seed a draw uses when none is given (printed, so a run can be repeated)."""
    return secrets.randbelow(SEED_LIMIT)


@dataclass(frozen=True)
class NavItem:
    """One link of a programme's navigation (templates/programs/_kind_nav.html)."""

    label: StrOrPromise
    url: str
    key: str  # the page's key; the nav marks the item whose key the view passes as active


@dataclass(frozen=True)
class NavLink:
    """A kind's nav entry as data (Kind.member_nav / organiser_nav): the label, the URL name
    in the kind's namespace, the page key and any extra URL kwargs besides the slug."""

    label: StrOrPromise
    url_name: str
    key: str
    kwargs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Metric:
    name: str
    value: object


@dataclass(frozen=True)
class DrawResult:
    """What a draw (preview or publish) did, for the CLI and the organiser's page."""

    summary: str  # one line: "round 4 published: 12 groups, 1 unmatched"
    seed: int | None
    saved: bool  # False for a dry run (or when nothing was drawn)
    lines: tuple[str, ...] = ()  # details: one line per group / unmatched member
    counts: dict[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Occasion:
    """Something a member took part in with others and may give feedback on (a coffee
    meeting, a circle session, a mentorship report): see docs/feedback.md. `ref` is the
    kind's own reference ("session-12"), `people` the ids of everyone who took part."""

    ref: str
    program: Program
    label: str
    people: tuple[int, ...]


@dataclass(frozen=True)
class Hooks:
    """The app's own functions a kind's default methods delegate to, referenced explicitly
    (never looked up by module name). Each is optional."""

    create_settings: Callable[..., Any] | None = None  # (program=…): idempotent
    api_router: Callable[[], Router] | None = None  # returns the app's django-ninja router
    attention_items: Callable[[Any], list[AttentionItem]] | None = None  # (user)
    tick: Callable[..., dict[str, int]] | None = None  # (now=…)
    demo: Callable[..., None] | None = None  # (program=…, enrollments=…, rng=…, now=…)
    # (ref, user=…) -> Occasion | None: an occasion of the kind `user` took part in
    feedback_occasion: Callable[..., Occasion | None] | None = None
    # (since=…, now=…) -> [Occasion]: the kind's occasions since then (after-session invitations)
    feedback_recent: Callable[..., list[Occasion]] | None = None
    # (user=…, program_ids=…, since=…, scope="") -> [CalendarEvent] | None: the member's
    # meetings of the kind in those programmes that end after `since` (cancelled ones too),
    # with the UIDs and SEQUENCEs of the invitations they were e-mailed, for their calendar
    # feed (notifications/feeds.py). `scope` "" for all of them, or one group's reference
    # ("circle-12") for its events only: None when that is not the kind's or not the member's
    calendar_events: Callable[..., list[CalendarEvent] | None] | None = None

    @classmethod
    def of(
        cls,
        *,
        services: Any = None,
        api: Any = None,
        attention: Any = None,
        ticks: Any = None,
        demo: Any = None,
        feedback: Any = None,
        calendar: Any = None,
    ) -> Hooks:
        """The usual functions of an app's modules, given the modules themselves (imported
        by the kind): services.create_settings, api.router, attention.attention_items,
        ticks.tick, demo.populate, feedback.occasion, feedback.recent and
        calendar.member_events. A module not given means the kind has no such hook."""
        return cls(
            create_settings=None if services is None else services.create_settings,
            api_router=None if api is None else (lambda: api.router),
            attention_items=None if attention is None else attention.attention_items,
            tick=None if ticks is None else ticks.tick,
            demo=None if demo is None else demo.populate,
            feedback_occasion=None if feedback is None else feedback.occasion,
            feedback_recent=None if feedback is None else feedback.recent,
            calendar_events=None if calendar is None else calendar.member_events,
        )


class Kind:
    """Base class (and protocol) of a programme kind. Override what the kind has."""

    code: str = ""
    label: StrOrPromise = ""
    app_label: str = ""
    url_prefix: str = ""  # path segment under /programs/<slug>/; "" = no pages
    # dotted module with `app_name` and `urlpatterns`; a kind with pages that names none has
    # the `urls` module next to its kind.py (set when the class is defined)
    urls_module: str = ""
    settings_model: type[models.Model] | None = None
    roles: tuple[str, ...] = ("participant",)  # first = default role
    self_enrol_roles: tuple[str, ...] | None = None  # roles members pick; None = roles
    hooks: Hooks = Hooks()  # the app's functions the default methods below call
    # URL names (in the app_label namespace) of member_url and organiser_url, for a kind
    # with pages; "" = none
    member_page: str = "program"
    organiser_page: str = "manage"
    # need ("viewer", "member", "organiser") -> URL names for access_probe_urls, over the
    # defaults: the member_page for "member", the organiser_nav's pages for "organiser"
    probe_pages: ClassVar[dict[str, tuple[str, ...]]] = {}
    # the default nav_items: members' links, then (for organisers) the organisers' links
    member_nav: tuple[NavLink, ...] = ()
    organiser_nav: tuple[NavLink, ...] = ()
    # (metric name, model with a `program` field): metrics counts its rows per programme
    counted: tuple[tuple[str, type[models.Model]], ...] = ()
    # Program.group_size this kind runs with, (smallest, largest); None = the kind has no
    # groups (the field is then unused). The programme form checks it at the field.
    group_sizes: tuple[int, int] | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.url_prefix and not cls.urls_module:
            cls.urls_module = f"{cls.__module__.rpartition('.')[0]}.urls"

    @property
    def default_group_size(self) -> int:
        """What the programme form fills in when left blank: the smallest group the kind
        runs with (2 for a kind without groups)."""
        return self.group_sizes[0] if self.group_sizes else 2

    def url(self, url_name: str, program: Program, /, **kwargs: Any) -> str:
        """The path of the programme's page `url_name` in this kind's URL namespace."""
        return reverse(f"{self.app_label}:{url_name}", kwargs={"slug": program.slug, **kwargs})

    # ------------------------------------------------------------------ lifecycle
    def create_settings(self, program: Program) -> None:
        """Create the programme's settings row(s). Called by programs.services.create_program
        inside its transaction (and by the app's data migration for existing programmes).
        Must be idempotent. Default: `hooks.create_settings(program=…)`, else create
        `settings_model(program=program)` if any."""
        if self.hooks.create_settings is not None:
            self.hooks.create_settings(program=program)
        elif self.settings_model is not None:
            self.settings_model._default_manager.get_or_create(program=program)

    def clean_program(self, program: Program) -> dict[str, str]:
        """Errors in the programme's own fields (cadence, group size, …) that this kind
        cannot run with, as {field: message}; empty when fine. create_program and
        update_program refuse such a programme, so the organiser's form names the field."""
        return {}

    # ------------------------------------------------------------------ web
    def api_router(self) -> Router | None:
        """The django-ninja router mounted at /api/v1/<app_label>/ (None: no API)."""
        return None if self.hooks.api_router is None else self.hooks.api_router()

    def nav_items(self, program: Program, *, user: Any, is_organiser: bool) -> list[NavItem]:
        """The programme's navigation for this viewer (members' pages, organisers' pages).
        Default: from `member_nav` and, for organisers, `organiser_nav`."""
        links = self.member_nav + (self.organiser_nav if is_organiser else ())
        return [
            NavItem(link.label, self.url(link.url_name, program, **dict(link.kwargs)), link.key)
            for link in links
        ]

    def member_url(self, program: Program) -> str | None:
        """The kind's main page for members (the programme page links to it)."""
        return self._page_url(self.member_page, program)

    def organiser_url(self, program: Program) -> str | None:
        """The kind's main page for organisers."""
        return self._page_url(self.organiser_page, program)

    def _page_url(self, url_name: str, program: Program) -> str | None:
        return self.url(url_name, program) if self.url_prefix and url_name else None

    def access_probe_urls(self, program: Program) -> dict[str, list[str]]:
        """GET-able URLs per need ("viewer", "member", "organiser") for the shared persona ×
        page access table (tests/test_access_matrix.py). Only pages whose access is decided by
        the gateway alone (no per-object rule) belong here. Default: the member_page for
        "member" and the organiser_nav's pages for "organiser", `probe_pages` over them."""
        pages: dict[str, tuple[str, ...]] = {}
        if self.url_prefix:
            pages["member"] = (self.member_page,) if self.member_page else ()
            pages["organiser"] = tuple(link.url_name for link in self.organiser_nav)
        pages.update(self.probe_pages)
        return {need: [self.url(name, program) for name in names] for need, names in pages.items()}

    # ------------------------------------------------------------------ periodic and home
    def attention_items(self, user: Any) -> list[AttentionItem]:
        items = self.hooks.attention_items
        return [] if items is None else items(user)

    def tick(self, *, now: dt.datetime) -> dict[str, int]:
        """Everything periodic for this kind, idempotent (called by `peerly tick`)."""
        tick = self.hooks.tick
        return {} if tick is None else tick(now=now)

    def feedback_occasion(self, ref: str, *, user: Any) -> Occasion | None:
        """The occasion `ref` of this kind if `user` took part in it and it can be given
        feedback on (it took place), else None. Default: `hooks.feedback_occasion`."""
        resolve = self.hooks.feedback_occasion
        return None if resolve is None else resolve(ref, user=user)

    # ------------------------------------------------------------------ the draw
    def draw(
        self,
        program: Program,
        *,
        seed: int | None,
        dry_run: bool,
        actor: Any,
        allow_overlap: bool = False,
    ) -> DrawResult:
        """Preview (dry_run) or publish the kind's next draw (a round, a season, a batch of
        assignments). `seed=None` draws with a fresh random seed (the result says which).
        Raises ServiceError when it cannot be done (nothing changed). A kind implements
        `preview_draw` and `publish_draw`; this method only picks the seed and dispatches."""
        seed = fresh_seed() if seed is None else seed
        if dry_run:
            return self.preview_draw(program, seed=seed)
        return self.publish_draw(program, seed=seed, actor=actor, allow_overlap=allow_overlap)

    def preview_draw(self, program: Program, *, seed: int) -> DrawResult:
        """What the next draw with `seed` would do; saves nothing."""
        raise NotImplementedError(f"{self.label or self.code} has no draw.")

    def publish_draw(
        self, program: Program, *, seed: int, actor: Any, allow_overlap: bool
    ) -> DrawResult:
        """Draw with `seed` and save it (idempotent: an already published draw is reported)."""
        raise NotImplementedError(f"{self.label or self.code} has no draw.")

    # ------------------------------------------------------------------ demo and figures
    def demo(
        self,
        *,
        program: Program,
        enrollments: Sequence[Enrollment],
        rng: random.Random,
        now: dt.datetime,
    ) -> None:
        """Populate a demo programme (after enrolments exist), through the services."""
        populate = self.hooks.demo
        if populate is not None:
            populate(program=program, enrollments=list(enrollments), rng=rng, now=now)

    def metrics(self, program: Program) -> list[Metric]:
        """Figures the kind contributes to the programme's overview. Default: from `counted`."""
        return [
            Metric(name, model._default_manager.filter(program=program).count())
            for name, model in self.counted
        ]

    def __repr__(self) -> str:
        return f"<Kind {self.code}>"


_registry: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Register a kind (once, from AppConfig.ready()). Re-registering the same class under
    its code is a no-op (ready() may run twice in tests); another class with a taken code is
    an error."""
    if not kind.code:
        raise ValueError("A kind needs a code.")
    existing = _registry.get(kind.code)
    if existing is not None:
        if type(existing) is type(kind):
            return existing
        raise ValueError(f"Programme kind {kind.code!r} is already registered by {existing!r}.")
    _registry[kind.code] = kind
    return kind


def unregister(code: str) -> None:
    _registry.pop(code, None)


def registry() -> list[Kind]:
    """Every registered kind, in registration order (settings.INSTALLED_APPS order)."""
    return list(_registry.values())


def codes() -> list[str]:
    return list(_registry)


def get(code: str) -> Kind | None:
    return _registry.get(code)


def kind_of(program: Program) -> Kind:
    """The kind of a programme; Http404 for a programme of a kind that is not installed."""
    kind = _registry.get(program.kind)
    if kind is None:
        raise Http404("This kind of programme is not available.")
    return kind


def choices() -> list[tuple[str, StrOrPromise]]:
    return [(k.code, k.label) for k in _registry.values()]


def validate_kind(value: str) -> None:
    """Model/form validator: `value` must be a registered kind (no migration per new kind)."""
    if value not in _registry:
        raise ValidationError(
            _("“%(value)s” is not a kind of programme.") % {"value": value}, code="invalid_kind"
        )


@contextmanager
def registered(kind: Kind) -> Iterator[Kind]:
    """Register `kind` for the duration of a block (tests: a toy kind)."""
    register(kind)
    try:
        yield kind
    finally:
        unregister(kind.code)
