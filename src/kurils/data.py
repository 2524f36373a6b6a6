"""The one loader for the book's tables: every CSV is read only through validation.

The schema of every table lives in ``data/datapackage.json`` (Frictionless Data Package / Table
Schema: fields, types, units, constraints, primary and foreign keys, licences, sources). ``load``
validates a table against it with frictionless and returns a typed pandas DataFrame; any problem
raises :class:`DataValidationError`, whose message names the file, the line and the column, so a
bad row stops the build instead of reaching a page.

Beyond the schema, a few rules hold for every table (see ``_book_rules``): each has the source
columns ``source_url``, ``source_title``, ``accessed`` and ``source_kind``; no row cites a blocked
host, and state-media and encyclopaedia rows follow :mod:`kurils.sources`; ``accessed`` is not in
the future; and an ``as_of`` date is not later than the day the source was read.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from kurils.paths import data_dir

SOURCE_COLUMNS = ("source_url", "source_title", "accessed", "source_kind")


@dataclass(frozen=True)
class Problem:
    """One validation problem, located as precisely as the error allows."""

    file: str
    line: int | None  # line of the CSV file; the header is line 1
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f', column "{self.column}"'
        return f"{where}: {self.message}"


class DataValidationError(ValueError):
    """Raised when a table breaks its schema; ``problems`` lists every located error."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n  ".join(str(p) for p in problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} data problem(s):\n  {shown}{more}")


def _data_root(root: Path | str | None) -> Path:
    """The data folder as an absolute path: a relative ``root`` is taken from the working directory."""
    return Path(root).expanduser().resolve() if root is not None else data_dir()


def _descriptor_path(root: Path | str | None) -> Path:
    return _data_root(root) / "datapackage.json"


@lru_cache(maxsize=8)
def _descriptor(path: Path, mtime_ns: int) -> dict:
    # mtime in the key: an edited datapackage.json is re-read in a long-lived kernel
    return json.loads(path.read_text(encoding="utf-8"))


def descriptor(root: Path | None = None) -> dict:
    """Return the parsed data package descriptor (``data/datapackage.json``)."""
    path = _descriptor_path(root)
    return _descriptor(path, path.stat().st_mtime_ns)


def table_names(root: Path | None = None) -> list[str]:
    """Names of every table (resource) described in the data package."""
    return [r["name"] for r in descriptor(root)["resources"]]


def resource_descriptor(name: str, root: Path | None = None) -> dict:
    """Return one resource's descriptor; KeyError names the known tables."""
    for res in descriptor(root)["resources"]:
        if res["name"] == name:
            return res
    raise KeyError(f"no table {name!r} in datapackage.json; known: {', '.join(table_names(root))}")


def _problems_from_report(report, file: str, fields: list[str]) -> list[Problem]:
    problems = []
    for task in report.tasks:
        for err in task.errors:
            line = getattr(err, "row_number", None)
            column = getattr(err, "field_name", None) or None
            if err.type.endswith("-label"):  # header problems: line 1, named by the header's label
                line, column = 1, getattr(err, "label", None) or column
            if column is None and getattr(err, "field_number", None):
                number = err.field_number
                column = fields[number - 1] if number <= len(fields) else None
            if column is None and err.type == "foreign-key":
                column = ",".join(getattr(err, "field_names", []) or []) or None
            problems.append(Problem(file, line, column, f"[{err.type}] {err.note or err.message}"))
    for err in report.errors:  # package-level errors (e.g. unreadable descriptor)
        problems.append(Problem(file, None, None, f"[{err.type}] {err.note or err.message}"))
    return problems


def _raw_problems(path: Path, rel: str) -> list[Problem]:
    """Checks frictionless reports too vaguely: missing or empty file, bytes that are not UTF-8."""
    if not path.is_file():
        return [Problem(rel, None, None, "file is missing")]
    raw = path.read_bytes()
    if not raw.strip():
        return [Problem(rel, None, None, "file is empty (a header row and at least one data row are required)")]
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            return [Problem(rel, number, None, f"bytes are not UTF-8 at byte {exc.start} of the line ({exc.reason})")]
    if raw.count(b"\n") < 1 or len(raw.decode("utf-8").strip().splitlines()) < 2:
        return [Problem(rel, None, None, "file has a header but no data rows")]
    return []


def _book_rules(frame: pd.DataFrame, res: dict, rel: str) -> list[Problem]:
    """Rules every table obeys beyond its own schema."""
    problems = []
    names = [f["name"] for f in res["schema"]["fields"]]
    for col in SOURCE_COLUMNS:
        if col not in names:
            problems.append(Problem(rel, None, col, "every table needs the source columns " + ", ".join(SOURCE_COLUMNS)))
    if problems:
        return problems
    from kurils import sources  # the source rules: blocked hosts, state media, encyclopaedia notes

    for idx, column, message in sources.row_problems(res["name"], frame):
        problems.append(Problem(rel, idx + 2 if idx >= 0 else None, column, message))
    today = pd.Timestamp(dt.date.today())
    for idx, value in frame["accessed"].items():
        if pd.notna(value) and value > today:
            problems.append(Problem(rel, idx + 2, "accessed", f"date {value.date()} is in the future"))
    if "as_of" in frame.columns:
        late = frame["as_of"].notna() & frame["accessed"].notna() & (frame["as_of"] > frame["accessed"])
        for idx in frame.index[late]:
            problems.append(Problem(rel, idx + 2, "as_of",
                                    f"as_of {frame.at[idx, 'as_of'].date()} is after accessed {frame.at[idx, 'accessed'].date()}"))
    return problems


_PANDAS_TYPES = {"integer": "Int64", "year": "Int64", "number": "Float64", "boolean": "boolean", "string": "string"}


def _to_frame(rows: list[dict], res: dict) -> pd.DataFrame:
    fields = res["schema"]["fields"]
    frame = pd.DataFrame.from_records(rows, columns=[f["name"] for f in fields])
    for f in fields:
        col = f["name"]
        if f["type"] in ("date", "datetime"):
            frame[col] = pd.to_datetime(frame[col])
        elif f["type"] in _PANDAS_TYPES:
            frame[col] = frame[col].astype(_PANDAS_TYPES[f["type"]])
    return frame


@lru_cache(maxsize=4)
def _package(path: Path, mtime_ns: int):
    """The parsed frictionless Package, built once per descriptor version (parsing costs ~0.1 s)."""
    from frictionless import Package

    return Package(str(path), basepath=str(path.parent))


#: Tables already validated in this process, by what their validation read (see _validation_key).
_VALIDATED: dict[str, pd.DataFrame] = {}
_VALIDATED_MAX = 256


def _validation_key(name: str, ddir: Path) -> str:
    """Everything a table's validation reads: its CSV, the CSVs its foreign keys reach (in turn), the
    descriptor, and today's date (no `accessed` date may lie in the future). By content, not by
    modification time, which a quick second edit can leave unchanged."""
    import hashlib

    resources = {r["name"]: r for r in descriptor(ddir)["resources"]}
    todo, reached = [name], set()
    while todo:
        current = todo.pop()
        if current in reached or current not in resources:
            continue
        reached.add(current)
        for key in resources[current].get("schema", {}).get("foreignKeys", []):
            todo.append(key["reference"].get("resource") or current)
    digest = hashlib.sha256(f"{ddir}\0{name}\0{dt.date.today()}\0".encode())
    digest.update(_descriptor_path(ddir).read_bytes())
    for table in sorted(reached):
        path = ddir / resources[table]["path"]
        digest.update(f"\0{table}\0".encode())
        digest.update(path.read_bytes() if path.is_file() else b"missing")
    return digest.hexdigest()


def validate(name: str, root: Path | str | None = None) -> pd.DataFrame:
    """Validate one table and return it typed; raise DataValidationError naming file, line, column.

    A table whose files are unchanged since it last validated in this process is not validated again
    (about 50 ms each time: chapters and tests load the same tables many times); a copy is returned."""
    ddir = _data_root(root)
    res = resource_descriptor(name, ddir)
    key = _validation_key(name, ddir)
    if key not in _VALIDATED:
        if len(_VALIDATED) >= _VALIDATED_MAX:
            _VALIDATED.pop(next(iter(_VALIDATED)))
        _VALIDATED[key] = _validate(name, ddir, res)
    return _VALIDATED[key].copy(deep=True)


def _validate(name: str, ddir: Path, res: dict) -> pd.DataFrame:
    from frictionless import FrictionlessException  # imported here: only validation needs it

    rel = f"data/{res['path']}"
    problems = _raw_problems(ddir / res["path"], rel)
    if problems:
        raise DataValidationError(problems)
    try:
        path = _descriptor_path(ddir)
        package = _package(path, path.stat().st_mtime_ns)
    except FrictionlessException as exc:
        raise DataValidationError([Problem("data/datapackage.json", None, None, str(exc))]) from exc
    resource = package.get_resource(name)
    fields = [f["name"] for f in res["schema"]["fields"]]
    report = resource.validate(limit_errors=200)
    problems = _problems_from_report(report, rel, fields)
    if problems:
        raise DataValidationError(problems)
    with resource:
        rows = [row.to_dict() for row in resource.row_stream]
    frame = _to_frame(rows, res)
    problems = _book_rules(frame, res, rel)
    if problems:
        raise DataValidationError(problems)
    return frame


def load(name: str, root: Path | str | None = None) -> pd.DataFrame:
    """Load a table by its name in ``datapackage.json`` (e.g. ``"islands"``), validated and typed.

    Integers become nullable ``Int64``, numbers ``Float64``, dates ``datetime64``; the column order is
    the schema's. ``root`` is the data folder (default: the book's ``data/``); a relative path is
    resolved against the working directory. Raises :class:`DataValidationError` on any schema or
    book-rule violation.
    """
    return validate(name, root)


def _package_problems(ddir: Path) -> list[Problem]:
    """Problems of the package as a whole (descriptor missing, not JSON, not a valid package): these
    would otherwise repeat once for every table."""
    from frictionless import FrictionlessException

    path = _descriptor_path(ddir)
    rel = "data/datapackage.json"
    if not path.is_file():
        return [Problem(rel, None, None, f"file is missing (looked for {path})")]
    try:
        names = table_names(ddir)
    except json.JSONDecodeError as exc:
        return [Problem(rel, exc.lineno, None, f"not valid JSON: {exc.msg}")]
    except (KeyError, TypeError) as exc:
        return [Problem(rel, None, None, f"not a data package: every resource needs a name ({exc})")]
    if not names:
        return [Problem(rel, None, None, "the package describes no tables")]
    try:
        _package(path, path.stat().st_mtime_ns)
    except FrictionlessException as exc:
        return [Problem(rel, None, None, str(exc))]
    return []


def validate_all(root: Path | str | None = None) -> dict[str, int]:
    """Validate every table; return rows per table, or raise one error listing all problems.

    ``root`` is the data folder (default: the book's ``data/``); a relative path is resolved against
    the working directory. A problem of the package itself is reported once, not once per table.
    """
    ddir = _data_root(root)
    problems: list[Problem] = _package_problems(ddir)
    if problems:
        raise DataValidationError(problems)
    counts: dict[str, int] = {}
    for name in table_names(ddir):
        try:
            counts[name] = len(validate(name, ddir))
        except DataValidationError as exc:
            problems.extend(p for p in exc.problems if p not in problems)
    if problems:
        raise DataValidationError(problems)
    return counts


def field_unit(name: str, column: str, root: Path | None = None) -> str | None:
    """The unit a schema declares for a column (custom ``unit`` property), if any."""
    for f in resource_descriptor(name, root)["schema"]["fields"]:
        if f["name"] == column:
            return f.get("unit")
    raise KeyError(f"table {name!r} has no column {column!r}")
