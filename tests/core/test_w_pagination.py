"""The paginator's first page (issue 19): a short list costs one query, not a COUNT and a page;
a long one still pages and counts exactly as before."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from peerly.accounts.models import User
from peerly.core.pagination import paginate
from tests.factories import UserFactory


def _page(query: dict[str, str], per_page: int):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/", query)
    with CaptureQueriesContext(connection) as ctx:
        page = paginate(request, User.objects.order_by("email"), per_page=per_page)
        shown = [u.email for u in page]
        pages = page.paginator.num_pages  # what _pagination.html asks for
    return page, shown, pages, len(ctx.captured_queries)


@pytest.mark.django_db
def test_a_short_first_page_is_one_query_and_knows_its_count():
    for _ in range(3):
        UserFactory()
    page, shown, pages, queries = _page({}, per_page=5)
    assert queries == 1  # the page itself: no COUNT
    assert page.paginator.count == 3 and pages == 1 and not page.has_other_pages()
    assert shown == sorted(User.objects.values_list("email", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("asked", [{}, {"page": "1"}, {"page": ""}])
def test_a_long_first_page_counts_and_shows_the_first_rows(asked):
    for _ in range(7):
        UserFactory()
    everyone = list(User.objects.order_by("email").values_list("email", flat=True))
    page, shown, pages, queries = _page(asked, per_page=3)
    assert shown == everyone[:3]
    assert page.paginator.count == 7 and pages == 3 and page.has_next()
    assert queries == 2  # the page and the COUNT, as before


@pytest.mark.django_db
@pytest.mark.parametrize(("asked", "number", "first"), [("3", 3, 6), ("99", 3, 6), ("x", 1, 0)])
def test_other_pages_and_bad_numbers_behave_as_before(asked, number, first):
    for _ in range(7):
        UserFactory()
    everyone = list(User.objects.order_by("email").values_list("email", flat=True))
    page, shown, _pages, _queries = _page({"page": asked}, per_page=3)
    assert page.number == number
    assert shown == everyone[first : first + 3]


@pytest.mark.django_db
def test_an_empty_list_is_page_one_of_one():
    page, shown, pages, queries = _page({}, per_page=5)
    assert (shown, pages, page.number, queries) == ([], 1, 1, 1)
