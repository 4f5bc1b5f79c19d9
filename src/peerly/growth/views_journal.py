"""The journal's pages: the member's own entries (list with search and tags, new, detail,
edit, delete, sharing one entry) and the read-only page of an entry somebody shares with the
viewer. Anybody else's entry is a 404, organisers' and site admins' included."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from peerly.core.http import AuthedHttpRequest
from peerly.core.pagination import paginate
from peerly.core.viewhelpers import service_errors
from peerly.core.viewhelpers import submitted
from peerly.growth import journal
from peerly.growth import selectors
from peerly.growth.forms import ReasonlessForm
from peerly.growth.forms_journal import EntryForm
from peerly.growth.forms_journal import SearchForm
from peerly.growth.models import JournalEntry
from peerly.growth.views import _share_form
from peerly.growth.views import share_subject as _share
from peerly.growth.views import withdraw_share as _withdraw


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@login_required
@require_GET
def entry_list(request: AuthedHttpRequest) -> HttpResponse:
    search = SearchForm(request.GET)
    q = tag = ""
    if search.is_valid():
        q, tag = search.cleaned_data["q"], search.cleaned_data["tag"]
    goal_id = _int(request.GET.get("goal"))
    entries = journal.list_entries_for_user(user=request.user, q=q, tag=tag, goal_id=goal_id)
    return render(
        request,
        "growth/journal_list.html",
        {
            "page": paginate(request, entries, per_page=journal.PER_PAGE),
            "search": search,
            "q": q,
            "tag": tag,
            "tags": journal.tags_of(request.user),
            "filtered": bool(q or tag or goal_id),
        },
    )


def _prefill(request: AuthedHttpRequest) -> dict[str, Any]:
    """?goal=, ?circle_session= or ?coffee_group= from a "write about this" link: kept only
    when it is the member's own (the form offers nothing else); anything else is ignored."""
    initial: dict[str, Any] = {"written_on": timezone.localdate()}
    goal_id = _int(request.GET.get("goal"))
    if goal_id is not None:
        initial["goal_id"] = goal_id
    for kind in ("circle_session", "coffee_group"):
        pk = _int(request.GET.get(kind))
        if pk is not None:
            initial["about"] = f"{kind}:{pk}"
            break
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request: AuthedHttpRequest) -> HttpResponse:
    initial = _prefill(request)
    keep = (initial.get("about", ""), request.POST.get("about", ""))
    form = EntryForm(request.POST or None, owner=request.user, keep=keep, initial=initial)
    if request.method == "GET":
        # a pre-filled link that is not the member's own is not offered: drop it
        for name in ("goal_id", "about"):
            offered = {str(value) for value, _label in form.fields[name].choices}  # type: ignore[attr-defined]
            if name in initial and str(initial[name]) not in offered:
                del form.initial[name]
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, success=_("Journal entry saved.")) as outcome:
            entry = journal.create_entry(owner=request.user, **form.cleaned_data)
        if outcome.ok:
            return redirect("growth:journal-detail", entry_id=entry.pk)
    return render(request, "growth/journal_form.html", {"form": form, "entry": None})


def _about(entry: JournalEntry) -> str:
    if entry.circle_session_id:
        return f"circle_session:{entry.circle_session_id}"
    if entry.coffee_group_id:
        return f"coffee_group:{entry.coffee_group_id}"
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: AuthedHttpRequest, entry_id: int) -> HttpResponse:
    entry = journal.get_entry_for_user(user=request.user, entry_id=entry_id)
    initial = {name: getattr(entry, name) for name in journal.EDITABLE}
    initial["about"] = _about(entry)
    keep = (initial["about"], request.POST.get("about", ""))
    form = EntryForm(request.POST or None, owner=request.user, keep=keep, initial=initial)
    if submitted(
        request,
        form,
        journal.update_entry,
        _("Journal entry saved."),
        entry=entry,
        actor=request.user,
    ):
        return redirect("growth:journal-detail", entry_id=entry.pk)
    return render(request, "growth/journal_form.html", {"form": form, "entry": entry})


def _detail(request: AuthedHttpRequest, entry: JournalEntry, **forms: Any) -> HttpResponse:
    shares = selectors.shares_of(entry)
    return render(
        request,
        "growth/journal_detail.html",
        {
            "entry": entry,
            "shares": shares,
            "share_form": forms.get("share_form") or _share_form(request, shares),
        },
    )


@login_required
@require_GET
def entry_detail(request: AuthedHttpRequest, entry_id: int) -> HttpResponse:
    return _detail(request, journal.get_entry_for_user(user=request.user, entry_id=entry_id))


@login_required
@require_http_methods(["GET", "POST"])
def entry_delete(request: AuthedHttpRequest, entry_id: int) -> HttpResponse:
    """GET asks to confirm; POST deletes."""
    entry = journal.get_entry_for_user(user=request.user, entry_id=entry_id)
    if request.method == "POST":
        with service_errors(request, success=_("Journal entry deleted.")) as outcome:
            journal.delete_entry(entry=entry, actor=request.user)
        if outcome.ok:
            return redirect("growth:journal")
    return render(request, "growth/journal_delete.html", {"entry": entry, "form": ReasonlessForm()})


@login_required
@require_POST
def entry_share(request: AuthedHttpRequest, entry_id: int) -> HttpResponse:
    entry = journal.get_entry_for_user(user=request.user, entry_id=entry_id)
    return _share(request, entry, _detail, redirect("growth:journal-detail", entry_id=entry.pk))


@login_required
@require_POST
def entry_share_withdraw(request: AuthedHttpRequest, entry_id: int, share_id: int) -> HttpResponse:
    entry = journal.get_entry_for_user(user=request.user, entry_id=entry_id)
    back = redirect("growth:journal-detail", entry_id=entry.pk)
    return _withdraw(request, entry, share_id, back)


@login_required
@require_GET
def shared_entry(request: AuthedHttpRequest, entry_id: int) -> HttpResponse:
    """One entry as the mentor or circle it is shared with sees it: read only, without the
    goal or session it is linked to (those stay the owner's)."""
    entry = selectors.get_shared_for_user(user=request.user, model=JournalEntry, pk=entry_id)
    return render(request, "growth/journal_shared.html", {"entry": entry})
