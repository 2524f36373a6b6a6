"""The data package: real tables validate, and every kind of bad input fails with file, line, column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kurils import data
from kurils.data import DataValidationError

DATA = Path(__file__).resolve().parents[1] / "data"


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _problems(name: str, root: Path) -> str:
    with pytest.raises(DataValidationError) as info:
        data.load(name, root)
    return str(info.value)


def test_every_real_table_validates():
    counts = data.validate_all()
    assert counts["islands"] >= 10 and counts["island_facts"] >= 30


def test_every_csv_is_described_and_every_resource_exists():
    described = {r["path"] for r in data.descriptor()["resources"]}
    on_disk = {p.name for p in DATA.glob("*.csv")}
    assert described == on_disk


def test_every_table_has_source_columns_and_as_of_where_values_change():
    for res in data.descriptor()["resources"]:
        names = [f["name"] for f in res["schema"]["fields"]]
        for col in data.SOURCE_COLUMNS:
            assert col in names, f"{res['name']} lacks {col}"
        if any(f.get("type") == "number" and f["name"] == "value" for f in res["schema"]["fields"]):
            assert "as_of" in names, f"{res['name']} holds changing values but has no as_of"


def test_loaded_types_follow_the_schema():
    facts = data.load("island_facts")
    assert str(facts["value"].dtype) == "Float64"
    assert str(facts["accessed"].dtype).startswith("datetime64")
    assert (facts["source_url"].str.startswith("http")).all()


def test_missing_column(data_copy):
    path = data_copy / "islands.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    # drop the "note" column (last) from header and rows
    import csv, io
    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(r[:-1] for r in rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    message = _problems("islands", data_copy)
    assert "data/islands.csv" in message and 'column "note"' in message and "missing-label" in message


def test_non_numeric_value(data_copy):
    _edit(data_copy / "island_facts.csv", "etorofu,area_km2,3168,", "etorofu,area_km2,about 3168,")
    message = _problems("island_facts", data_copy)
    line = next(i for i, l in enumerate((data_copy / "island_facts.csv").read_text().splitlines(), 1) if "about 3168" in l)
    assert f"data/island_facts.csv, line {line}, column \"value\"" in message and "type-error" in message


def test_impossible_date(data_copy):
    _edit(data_copy / "island_facts.csv", "1945-08-15", "1945-02-30")
    message = _problems("island_facts", data_copy)
    assert 'data/island_facts.csv, line ' in message and 'column "as_of"' in message and "type-error" in message


def test_unknown_foreign_key(data_copy):
    _edit(data_copy / "island_facts.csv", "\nshikotan,area_km2,251,", "\nshikotann,area_km2,251,")
    message = _problems("island_facts", data_copy)
    assert 'column "island_id"' in message and "foreign-key" in message and "line 3" in message


def test_duplicate_primary_key(data_copy):
    path = data_copy / "islands.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + [lines[2]]) + "\n", encoding="utf-8")
    message = _problems("islands", data_copy)
    assert f"line {len(lines) + 1}" in message and ("primary-key" in message or "unique-error" in message)


def test_empty_source_url(data_copy):
    _edit(data_copy / "island_facts.csv", "https://www.mofa.go.jp/erp/rss/northern/page1we_000017.html", "")
    message = _problems("island_facts", data_copy)
    assert 'line 2, column "source_url"' in message and "constraint-error" in message


def test_empty_file(data_copy):
    (data_copy / "islands.csv").write_text("", encoding="utf-8")
    message = _problems("islands", data_copy)
    assert "data/islands.csv" in message and "empty" in message


def test_non_utf8_bytes(data_copy):
    path = data_copy / "islands.csv"
    raw = path.read_bytes().replace("択捉島".encode("utf-8"), "択捉島".encode("shift_jis"))
    path.write_bytes(raw)
    message = _problems("islands", data_copy)
    assert "data/islands.csv, line 3" in message and "not UTF-8" in message


def test_extra_unknown_column(data_copy):
    path = data_copy / "islands.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",extra"] + [l + ",x" for l in lines[1:]]) + "\n", encoding="utf-8")
    message = _problems("islands", data_copy)
    assert 'column "extra"' in message and "extra-label" in message


def test_accessed_in_the_future(data_copy):
    _edit(data_copy / "island_facts.csv", ",2026-11-25,", ",2099-01-01,")
    message = _problems("island_facts", data_copy)
    assert 'line 2, column "accessed"' in message and "future" in message


def test_negative_value_breaks_the_minimum(data_copy):
    _edit(data_copy / "island_facts.csv", "etorofu,area_km2,3168,", "etorofu,area_km2,-3168,")
    message = _problems("island_facts", data_copy)
    assert 'column "value"' in message and "constraint-error" in message


def test_broken_descriptor_is_reported_by_file(data_copy):
    descriptor = json.loads((data_copy / "datapackage.json").read_text())
    descriptor["resources"][0]["schema"]["fields"][0]["type"] = "no-such-type"
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor))
    message = _problems("islands", data_copy)
    assert "data/datapackage.json" in message


def test_validate_all_collects_problems_from_every_table(data_copy):
    _edit(data_copy / "island_facts.csv", "etorofu,area_km2,3168,", "etorofu,area_km2,x,")
    _edit(data_copy / "islands.csv", ",45.054,", ",north,")
    with pytest.raises(DataValidationError) as info:
        data.validate_all(data_copy)
    files = {p.file for p in info.value.problems}
    assert files == {"data/islands.csv", "data/island_facts.csv"}
