"""The engine's CSV output neutralises formula cells (ids come from user-supplied files)."""

import csv

from peerly.matching.io import write_csv


def test_write_csv_neutralises_formulas(tmp_path):
    out = tmp_path / "out.csv"
    write_csv(
        str(out), ("member_id", "score"), [("=HYPERLINK(1)", "-0.5"), ("@x", "1"), ("ok", "2")]
    )
    rows = list(csv.reader(out.open(newline="")))
    assert rows == [
        ["member_id", "score"],
        ["'=HYPERLINK(1)", "-0.5"],
        ["'@x", "1"],
        ["ok", "2"],
    ]
