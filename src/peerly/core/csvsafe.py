"""CSV cells that spreadsheets will not run as formulas (OWASP "CSV injection").

A cell a member or organiser typed (a name, a team, an id in an engine input file) that
starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel, LibreOffice
and Google Sheets. Every CSV Peerly writes goes through `safe_cell`/`safe_row`, which prefix
such a cell with a single quote, as OWASP recommends. Plain numbers ("-3", "0.5") are left
alone: a spreadsheet reads them as numbers, never as formulas.

Pure Python on purpose (no Django): the matching engine's CLI uses it too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: object) -> object:
    """`value`, with a leading single quote if a spreadsheet would treat it as a formula."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def safe_row(row: Iterable[object]) -> list[object]:
    return [safe_cell(v) for v in row]


def safe_dict(row: Mapping[str, object]) -> dict[str, object]:
    return {k: safe_cell(v) for k, v in row.items()}
