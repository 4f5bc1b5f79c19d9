"""One paginator for every list page and API list, each with a maximum page size.

    page = paginate(request, queryset, per_page=50)        # ?page=N, ?per_page=M (<= MAX)
    {% include "_pagination.html" %}                         # ← Previous · Page 2 of 9 · Next →

A page never loads more than `MAX_PER_PAGE` rows, whatever the request asks for, and a page
number that is out of range or not a number shows the nearest page (Django's `get_page`).
The API uses django-ninja's pagination with the same cap (`CappedLimitOffset`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Page
from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Field
from ninja import Schema
from ninja.pagination import LimitOffsetPagination

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200


def per_page_from(request: HttpRequest, default: int = DEFAULT_PER_PAGE) -> int:
    """?per_page=N, clamped to 1..MAX_PER_PAGE (anything unreadable is the default)."""
    raw = request.GET.get("per_page", "")
    try:
        value = int(raw) if raw else default
    except ValueError:
        value = default
    return max(1, min(value, MAX_PER_PAGE))


def paginate(
    request: HttpRequest,
    items: Any,
    *,
    per_page: int = DEFAULT_PER_PAGE,
    param: str = "page",
) -> Page:  # type: ignore[type-arg]
    """The requested page of `items` (a queryset, sliced in the database, or a list).

    The first page of a queryset reads one row more than a page: when that row is not there
    the list is short and its length is the count, so a short list costs one query, not a
    COUNT and a page (a long one still costs the two)."""
    size = per_page_from(request, default=min(per_page, MAX_PER_PAGE))
    asked = request.GET.get(param)
    if asked in (None, "", "1") and not isinstance(items, (list, tuple)):
        head = list(items[: size + 1])
        paginator = Paginator(head if len(head) <= size else items, size)
        page = Page(head[:size], 1, paginator)  # the count is only asked for when needed
    else:
        page = Paginator(items, size).get_page(asked)
    query = request.GET.copy()
    query.pop(param, None)
    page.query = query.urlencode()  # type: ignore[attr-defined]
    page.param = param  # type: ignore[attr-defined]
    return page


MAX_OFFSET = 2**31 - 1  # far beyond any list, well inside every database's integers


class CappedLimitOffset(LimitOffsetPagination):
    """django-ninja's limit/offset pagination with `limit` capped at MAX_PER_PAGE (a bigger
    limit is a 422 with a message, not a slow answer) and `offset` at MAX_OFFSET (beyond a
    64-bit integer SQLite raised OverflowError: a 500)."""

    class Input(Schema):
        limit: int = Field(DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(
        self,
        *,
        rows: Callable[[HttpRequest, list[Any]], list[Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        """`rows(request, page_items)` turns one page of objects into the output rows (one
        place to batch per-page work such as profile visibility)."""
        kwargs.setdefault("max_limit", MAX_PER_PAGE)
        super().__init__(**kwargs)
        self.rows = rows

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        result = super().paginate_queryset(queryset, pagination, request, **params)
        if self.rows is not None:
            result[self.items_attribute] = self.rows(request, list(result[self.items_attribute]))
        return result
