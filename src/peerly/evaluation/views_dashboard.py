"""The dashboards (issue 15): a programme's (its organisers and site admins) and the overview
across the programmes a user organises (every programme for a site admin), each filtered by a
date range (and, for a programme, a team) and downloadable as CSV or JSON with exactly the
figures the page shows (`dashboard.py` makes them once for all three)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from peerly.core.csvsafe import safe_dict
from peerly.core.http import AuthedHttpRequest
from peerly.core.pagination import paginate
from peerly.evaluation import dashboard
from peerly.evaluation import scope
from peerly.programs.access import access_program
from peerly.programs.views import kind_nav_context

FORMATS = ("html", "csv", "json")
EARLIEST = dt.date(2000, 1, 1)  # no programme figure is older; far earlier dates overflow
OVERVIEW_PER_PAGE = 20
CSV_FIELDS = ["table", "row", "column", "value"]


def _date_field(label: Any, invalid: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": invalid},
    )


class FilterForm(forms.Form):
    """The period (from, to: default today) and, for a programme, a team (`teams`: the ones
    `scope.team_choices` offers; None: no team field)."""

    since = _date_field(gettext_lazy("From"), gettext_lazy("From: enter a date as YYYY-MM-DD."))
    until = _date_field(gettext_lazy("To"), gettext_lazy("To: enter a date as YYYY-MM-DD."))
    team = forms.ChoiceField(
        label=gettext_lazy("Team"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("Team: choose one of the teams offered."),
        },
    )

    def __init__(self, *args: Any, teams: list[str] | None, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        if teams is None:
            del self.fields["team"]
        else:
            self.fields["team"].choices = [  # type: ignore[attr-defined]
                ("", _("All teams")),
                *((t, t) for t in teams),
            ]

    def full_clean(self) -> None:
        super().full_clean()
        bad = [name for name in ("since", "until") if name in self.errors]
        if bad and self.is_bound:  # shown again empty: a date input cannot hold "yesterday"
            self.data = {**self.data.dict(), **dict.fromkeys(bad, "")}  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        for name, label, day in (("since", _("From"), since), ("until", _("To"), until)):
            if day is None:
                continue
            if day < EARLIEST:
                self.add_error(
                    name,
                    _("%(field)s: choose a date from %(earliest)s.")
                    % {"field": label, "earliest": EARLIEST.isoformat()},
                )
            elif day > self.today:
                self.add_error(
                    name, _("%(field)s: choose a date no later than today.") % {"field": label}
                )
        if since and until and since > until and not self.errors:
            self.add_error("since", _("From: the period must start before it ends."))
        return data

    def filters(self) -> dashboard.Filters:
        data = self.cleaned_data
        return dashboard.Filters(
            today=data.get("until") or self.today,
            since=data.get("since"),
            team=data.get("team") or None,
        )


def _bad_format() -> HttpResponse:
    return HttpResponse(
        _("Unknown format: choose html, csv or json."), status=400, content_type="text/plain"
    )


def _bad_filters(form: FilterForm, fmt: str) -> HttpResponse:
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    if fmt == "json":
        return HttpResponse(
            json.dumps({"errors": errors}), status=400, content_type="application/json"
        )
    text = "\n".join(e for errs in errors.values() for e in errs)
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")


def _export(
    fmt: str, name: str, head: dict[str, Any], tables: list[dashboard.Table]
) -> HttpResponse:
    if fmt == "json":
        body = {
            **head,
            "tables": {
                t.key: {"columns": [c.key for c in t.columns], "rows": t.records()} for t in tables
            },
        }
        response = HttpResponse(json.dumps(body, indent=2), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for table in tables:
        for row in table.rows:
            for column, cell in zip(table.columns, row, strict=True):
                writer.writerow(
                    safe_dict(
                        {
                            "table": table.key,
                            "row": row[0].data,
                            "column": column.key,
                            "value": cell.data,
                        }
                    )
                )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@login_required
@require_GET
def dashboard_page(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = access_program(request.user, slug, need="organiser").program
    fmt = request.GET.get("format", "html")
    if fmt not in FORMATS:
        return _bad_format()
    form = FilterForm(request.GET, teams=scope.team_choices(program), today=timezone.localdate())
    valid = form.is_valid()
    if not valid and fmt != "html":
        return _bad_filters(form, fmt)
    data = dashboard.program_dashboard(program, form.filters()) if valid else None
    if data is not None and fmt != "html":
        head = {
            "programme": program.slug,
            "kind": program.kind,
            "filters": data.filters.as_dict(),
        }
        return _export(fmt, f"{program.slug}-dashboard", head, data.tables)
    return render(
        request,
        "evaluation/dashboard.html",
        {
            "program": program,
            "form": form,
            "dashboard": data,
            "cohorts": data.cohorts if data else None,
            "export_query": _export_query(request),
            **kind_nav_context(request, program, active="dashboard", is_organiser=True),
        },
        status=200 if valid else 400,
    )


def _export_query(request: AuthedHttpRequest) -> str:
    query = request.GET.copy()
    query.pop("format", None)
    return query.urlencode()


@login_required
@require_GET
def overview_page(request: AuthedHttpRequest) -> HttpResponse:
    if not dashboard.organises_any(request.user):
        raise PermissionDenied(_("Only organisers of a programme can see the overview."))
    fmt = request.GET.get("format", "html")
    if fmt not in FORMATS:
        return _bad_format()
    form = FilterForm(request.GET, teams=None, today=timezone.localdate())
    valid = form.is_valid()
    if not valid and fmt != "html":
        return _bad_filters(form, fmt)
    page = paginate(request, dashboard.organised_programs(request.user), per_page=OVERVIEW_PER_PAGE)
    table = dashboard.overview_table(list(page), form.filters()) if valid else None
    if table is not None and fmt != "html":
        head = {
            "filters": form.filters().as_dict(),
            "page": page.number,
            "pages": page.paginator.num_pages,
        }
        return _export(fmt, "programmes-overview", head, [table])
    return render(
        request,
        "evaluation/overview.html",
        {
            "form": form,
            "table": table,
            "page": page,
            "export_query": _export_query(request),
        },
        status=200 if valid else 400,
    )
