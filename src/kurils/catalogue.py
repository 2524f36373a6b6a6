"""The data catalogue: every table of the data package described for readers who want the data itself.

:func:`catalogue` lists each table with its title, description, row count, mix of source kinds and
download path; :func:`fields` lists a table's columns from ``data/datapackage.json``;
:func:`write_package_zip` writes the whole package (descriptor, CSVs, README) as one zip whose bytes
depend only on the files, so two builds publish the same archive.
"""

from __future__ import annotations

import html
import zipfile
from pathlib import Path

import pandas as pd

from kurils import data, sources
from kurils.paths import data_dir

#: Where the site publishes the data (relative to the HTML root) and the package's zip file name.
PUBLISHED_DIR = "data"
ZIP_NAME = "kurils-book-data.zip"
#: A fixed timestamp for every zip member (the DOS epoch): the archive is byte-identical between builds.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def kind_mix(frame: pd.DataFrame) -> str:
    """A table's source kinds as a phrase, largest first: 'official 60 %, press 40 %'."""
    shares = frame["source_kind"].value_counts(normalize=True)
    return ", ".join(f"{sources.KIND_LABELS[k].lower()} {v:.0%}".replace("%", " %") for k, v in shares.items())


def catalogue(tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """One row per table: name, title, description, rows, columns, source mix, file name."""
    tables = tables or {name: data.load(name) for name in data.table_names()}
    rows = []
    for name, frame in tables.items():
        res = data.resource_descriptor(name)
        rows.append({
            "name": name, "title": res.get("title", name), "description": res.get("description", ""),
            "rows": len(frame), "columns": len(frame.columns), "sources": frame["source_url"].nunique(),
            "kind_mix": kind_mix(frame), "file": res["path"],
        })
    return pd.DataFrame(rows)


def fields(name: str) -> pd.DataFrame:
    """A table's columns as the schema declares them: name, type, unit, description, required."""
    out = []
    for f in data.resource_descriptor(name)["schema"]["fields"]:
        constraints = f.get("constraints", {})
        allowed = constraints.get("enum")
        description = f.get("description", "")
        if allowed:
            description = (description + " " if description else "") + "One of: " + ", ".join(map(str, allowed)) + "."
        out.append({"Column": f["name"], "Type": f["type"], "Unit": f.get("unit", ""),
                    "Required": "yes" if constraints.get("required") else "",
                    "Description": description})
    return pd.DataFrame(out)


def catalogue_display(cat: pd.DataFrame, *, base: str = f"../{PUBLISHED_DIR}") -> pd.DataFrame:
    """The catalogue as a page table; the only HTML is the download link (built here from escaped parts
    and marked as HTML for :func:`kurils.text.table`, which escapes every other cell)."""
    from kurils import text

    return pd.DataFrame({
        "Download": [text.html(f'<a href="{html.escape(base + "/" + f, quote=True)}" download>{html.escape(f)}</a>')
                     for f in cat["file"]],
        "What it holds": cat["title"],          # data text: kurils.text.table escapes it
        "Rows": cat["rows"],
        "Sources": cat["sources"],
        "Kinds of source": cat["kind_mix"],
    })


def package_files(root: Path | None = None) -> list[Path]:
    """The files the published package holds: the descriptor, every table's CSV and the README."""
    root = root or data_dir()
    names = ["datapackage.json", "README.md"] + [data.resource_descriptor(n, root)["path"] for n in data.table_names(root)]
    return [root / n for n in names]


def write_package_zip(dest: Path, root: Path | None = None) -> Path:
    """Write the data package as one zip (members at the archive's root, fixed timestamps)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in package_files(root):
            info = zipfile.ZipInfo(path.name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
    return dest


def publish(outdir: Path, root: Path | None = None) -> list[Path]:
    """Copy the package's files into ``outdir/data`` and write its zip there; return what was written."""
    target = outdir / PUBLISHED_DIR
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in package_files(root):
        dest = target / path.name
        if not dest.exists() or dest.read_bytes() != path.read_bytes():
            dest.write_bytes(path.read_bytes())
        written.append(dest)
    written.append(write_package_zip(target / ZIP_NAME, root))
    return written


def table_details_html(cat: pd.DataFrame, *, base: str = f"../{PUBLISHED_DIR}", licence: str) -> str:
    """One folded block per table: description, rows, source mix, licence, download and every column.

    Every piece of data text (titles, descriptions, units) is escaped here; the only markup is the
    page structure and the download link this function builds."""
    esc = html.escape
    blocks = []
    for _, row in cat.iterrows():
        cols = fields(row["name"])
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(str(v))}</td>" for v in (r.Column, r.Type, r.Unit, r.Required, r.Description)) + "</tr>"
            for r in cols.itertuples())
        blocks.append(
            f'<details class="kurils-table-details" id="table-{esc(row["name"], quote=True)}">'
            f'<summary><code>{esc(row["file"])}</code> — {esc(row["title"])}</summary>'
            f'<p>{esc(row["description"])}</p>'
            f'<p><strong>{row["rows"]:,} rows</strong> from {row["sources"]:,} sources '
            f'({esc(row["kind_mix"])}). Licence: {esc(licence)} '
            f'<a href="{esc(base + "/" + row["file"], quote=True)}" download>Download {esc(row["file"])}</a></p>'
            '<table class="kurils-table"><thead><tr><th>Column</th><th>Type</th><th>Unit</th><th>Required</th>'
            f'<th>Description</th></tr></thead><tbody>{body}</tbody></table></details>')
    return "\n".join(blocks)


def licence_text() -> str:
    """The package's licence as one phrase (from datapackage.json)."""
    lic = data.descriptor()["licenses"][0]
    return f"{lic['name']} for the compilation; each row keeps its source's terms."
