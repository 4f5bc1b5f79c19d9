"""CSV formula injection: every cell a spreadsheet would run is neutralised (OWASP)."""

import pytest

from peerly.core.csvsafe import safe_cell
from peerly.core.csvsafe import safe_dict
from peerly.core.csvsafe import safe_row


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Ada Lovelace", "Ada Lovelace"),
        ("a=b", "a=b"),
        ("", ""),
        ("-3", "-3"),  # plain numbers stay numbers
        ("-0.500000", "-0.500000"),
        ("+1e5", "+1e5"),
        (7, 7),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_rows_and_dicts():
    assert safe_row(["=x", "y"]) == ["'=x", "y"]
    assert safe_dict({"a": "@x", "b": 1}) == {"a": "'@x", "b": 1}


def test_csvsafe_does_not_import_django():
    import subprocess
    import sys

    code = "import sys, peerly.core.csvsafe; assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
