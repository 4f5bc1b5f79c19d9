"""No "(s)" plurals in anything a person reads (issue 20: "4 request(s)", "1 days"): messages,
pages, emails and command output use ngettext / {% blocktranslate count %} instead."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import peerly

ROOT = Path(peerly.__file__).parent
LAZY_PLURAL = re.compile(r"[A-Za-z]\(s\)")


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                ids.add(id(value))
    return ids


def _python_offenders() -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in skip
                and LAZY_PLURAL.search(node.value)
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value.strip()}")
    return found


def _template_offenders() -> list[str]:
    found = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.is_file():
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if LAZY_PLURAL.search(re.sub(r"\{#.*?#\}", "", line)):
                    found.append(f"{path.relative_to(ROOT)}:{n}")
    return found


def test_no_parenthesised_plurals_in_python_strings():
    assert _python_offenders() == []


def test_no_parenthesised_plurals_in_templates():
    assert _template_offenders() == []


BLOCK = re.compile(
    r"\{% blocktranslate(?P<args>[^%]*)%\}(?P<body>.*?)\{% endblocktranslate %\}", re.S
)
COUNTED = re.compile(
    r"\{\{ (?P<var>\w+) \}\} (days|weeks|mentees|members|requests|applicants|sessions)\b"
)
# Numbers that are never 1 where they are printed: the week interval has its own "week"
# branch, seasons have at least 2 weeks, retention is at least 7 days, the
# confirmation link lives ACCOUNT_CONFIRM_DAYS (3); `name` is not a number.
NEVER_ONE = {
    "interval_weeks",
    "season_weeks",
    "private_text_retention_days",
    "days",
    "name",
}


def test_numbers_before_a_plural_noun_are_counted():
    """ "{{ n }} days" outside {% blocktranslate count %} reads "1 days" (issue 20)."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.is_file():
            for block in BLOCK.finditer(path.read_text(encoding="utf-8")):
                counted = [m["var"] for m in COUNTED.finditer(block["body"])]
                if " count " not in f" {block['args']} " and set(counted) - NEVER_ONE:
                    found.append(f"{path.relative_to(ROOT)}: {block['body'][:60]}")
    assert found == []
