"""kurils.data with relative data folders, and package-level errors reported once (issue 18)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from kurils import data
from kurils.data import DataValidationError


@pytest.fixture()
def in_dir():
    """Run a block with another working directory, restoring it afterwards."""
    old = Path.cwd()

    def enter(path: Path) -> None:
        os.chdir(path)

    yield enter
    os.chdir(old)


def test_validate_all_and_load_accept_a_relative_data_folder(data_copy, in_dir):
    in_dir(data_copy.parent)
    counts = data.validate_all(Path("data"))
    assert counts == data.validate_all(data_copy)
    assert data.validate_all("data") == counts  # a str works as well
    islands = data.load("islands", Path("data"))
    assert len(islands) == counts["islands"]


def test_relative_path_from_a_subfolder(data_copy, in_dir):
    (data_copy.parent / "book").mkdir()
    in_dir(data_copy.parent / "book")
    assert len(data.load("islands", Path("../data"))) == len(data.load("islands", data_copy))


def test_an_edit_in_a_relative_copy_is_seen(data_copy, in_dir):
    in_dir(data_copy.parent)
    path = data_copy / "islands.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    lat = rows[0].index("lat")
    rows[2][lat] = "north"  # line 3 of the file
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    with pytest.raises(DataValidationError) as info:
        data.validate_all(Path("data"))
    assert 'data/islands.csv, line 3, column "lat"' in str(info.value)


def test_a_missing_package_is_reported_once(tmp_path, in_dir):
    (tmp_path / "data").mkdir()
    in_dir(tmp_path)
    with pytest.raises(DataValidationError) as info:
        data.validate_all(Path("data"))
    assert len(info.value.problems) == 1
    assert "data/datapackage.json" in str(info.value) and "missing" in str(info.value)
    assert str(tmp_path / "data" / "datapackage.json") in str(info.value)
    assert "data/data/" not in str(info.value)


def test_a_descriptor_that_is_not_json_is_reported_once_with_its_line(data_copy):
    path = data_copy / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"resources"', '"resources" oops', 1), encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        data.validate_all(data_copy)
    assert len(info.value.problems) == 1
    problem = info.value.problems[0]
    assert problem.file == "data/datapackage.json" and problem.line is not None
    assert "not valid JSON" in problem.message


def test_an_invalid_package_is_reported_once_not_per_table(data_copy):
    path = data_copy / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    package["resources"][0]["schema"]["fields"][0]["type"] = "no-such-type"
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        data.validate_all(data_copy)
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == len(set(messages)), "a problem was reported more than once"
    assert len(messages) < len(package["resources"]), messages


def test_load_of_an_unknown_table_names_the_known_ones(data_copy):
    with pytest.raises(KeyError, match="islands"):
        data.load("no_such_table", data_copy)


def test_a_table_loaded_again_is_a_fresh_copy(data_copy):
    first = data.load("islands", data_copy)
    first.loc[0, "id"] = "changed"
    assert data.load("islands", data_copy).loc[0, "id"] != "changed"


def test_an_edit_that_keeps_size_and_time_is_seen(data_copy):
    """Validated tables are remembered by their files' content: an edit is seen even when the file keeps
    its size and modification time (two writes within the clock's resolution)."""
    path = data_copy / "islands.csv"
    stat = path.stat()
    data.load("islands", data_copy)
    text = path.read_text(encoding="utf-8")
    etorofu = text.splitlines()[2]  # line 3 of the file
    lat = etorofu.split(",")[6]
    assert text.count(etorofu) == 1 and lat.replace(".", "").isdigit(), etorofu
    path.write_text(text.replace(etorofu, etorofu.replace(f",{lat},", "," + "x" * len(lat) + ",", 1)), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    with pytest.raises(DataValidationError) as info:
        data.load("islands", data_copy)
    assert 'data/islands.csv, line 3, column "lat"' in str(info.value)


def test_an_edit_to_a_referenced_table_is_seen(data_copy):
    """A table is validated again when a table its foreign keys point to changes (island_facts rows
    name islands by id)."""
    facts = data.load("island_facts", data_copy)
    referenced = facts["island_id"].dropna().iloc[0]
    path = data_copy / "islands.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    ids = rows[0].index("id")
    for row in rows[1:]:
        if row[ids] == referenced:
            row[ids] = referenced + "_renamed"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    with pytest.raises(DataValidationError) as info:
        data.load("island_facts", data_copy)
    assert "data/island_facts.csv" in str(info.value)
