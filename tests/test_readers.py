"""Readers' tools: the data, the notebooks, the API and the citation metadata the site publishes."""

from __future__ import annotations

import html
import inspect
import importlib
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest

from kurils import catalogue, data, meta, readers_ext

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("*.md"))


def _page(site: Path, stem: str) -> str:
    return (site / "book" / f"{stem}.html").read_text(encoding="utf-8")


def _has_code(stem: str) -> bool:
    return "```{code-cell}" in (ROOT / "book" / f"{stem}.md").read_text(encoding="utf-8")


# --- the data page and the published package ---------------------------------------------------------

def test_data_page_links_every_csv_and_the_zip(site):
    page = _page(site, "data")
    for name in data.table_names():
        path = data.resource_descriptor(name)["path"]
        assert f'href="../data/{path}"' in page, path
        assert (site / "data" / path).read_bytes() == (ROOT / "data" / path).read_bytes(), path
    assert 'href="../data/kurils-book-data.zip"' in page
    assert (site / "data" / catalogue.ZIP_NAME).is_file()


def test_data_page_lists_every_column_of_every_table(site):
    page = html.unescape(_page(site, "data"))
    for name in data.table_names():
        for field in data.resource_descriptor(name)["schema"]["fields"]:
            assert f"<td>{field['name']}</td>" in page, (name, field["name"])


def test_published_zip_passes_frictionless_validate(site, tmp_path):
    """A real client, not the book's loader: the frictionless CLI validates the zip as published."""
    archive = site / "data" / catalogue.ZIP_NAME
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
    assert {"datapackage.json", "README.md"} <= names
    assert {data.resource_descriptor(n)["path"] for n in data.table_names()} <= names
    cli = shutil.which("frictionless", path=str(ROOT / ".venv" / "bin")) or shutil.which("frictionless")
    assert cli, "the frictionless command is missing from .venv"
    result = subprocess.run([cli, "validate", str(archive)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "INVALID" not in result.stdout


def test_package_zip_is_byte_identical_between_writes(tmp_path):
    first = catalogue.write_package_zip(tmp_path / "a.zip").read_bytes()
    second = catalogue.write_package_zip(tmp_path / "b.zip").read_bytes()
    assert first == second


def test_kind_mix_orders_kinds_largest_first():
    import pandas as pd

    frame = pd.DataFrame({"source_kind": ["press", "official", "official", "official", "press", "scholarly"]})
    assert catalogue.kind_mix(frame) == "official 50 %, press 33 %, scholarly 17 %"


def test_data_text_is_escaped_in_the_table_details(monkeypatch):
    import pandas as pd

    cat = pd.DataFrame([{"name": "islands", "title": "<script>alert(1)</script>", "description": "[x](https://evil.example)",
                         "rows": 1, "sources": 1, "kind_mix": "official 100 %", "file": "islands.csv"}])
    out = catalogue.table_details_html(cat, licence="CC-BY-4.0")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert 'href="https://evil.example"' not in out


# --- notebooks -------------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", [s for s in CHAPTERS if _has_code(s)])
def test_chapter_links_its_executed_notebook_and_source(site, stem):
    page = _page(site, stem)
    assert f'href="../notebooks/{stem}.ipynb"' in page, stem
    assert f'href="../notebooks/{stem}.md"' in page, stem
    nb = nbformat.read(site / "notebooks" / f"{stem}.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown" and "kurils" in nb.cells[0].source and "make book" in nb.cells[0].source
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    shown_cells = [c for c in nb.cells if c.cell_type == "code" and "remove-cell" not in c.metadata.get("tags", [])]
    assert outputs or not shown_cells, f"{stem}.ipynb has no outputs"
    assert not any(o.get("output_type") == "error" for o in outputs)
    assert (site / "notebooks" / f"{stem}.md").read_bytes() == (ROOT / "book" / f"{stem}.md").read_bytes()


# --- the API page ----------------------------------------------------------------------------------

def _public_functions() -> list[str]:
    names = []
    for module_name in readers_ext.public_modules():
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if getattr(obj, "__module__", None) == module_name:
                names.append(f"{module_name}.{name}")
    return names


def test_every_public_function_of_kurils_is_on_the_api_page(site):
    page = _page(site, "api")
    functions = _public_functions()
    assert len(functions) > 50
    missing = [f for f in functions if f'id="{f}"' not in page]
    assert not missing, f"{len(missing)} public functions not documented: {missing[:10]}"
    assert page.count("[source]") >= len(functions) * 0.9 or page.count("viewcode-link") >= len(functions) * 0.9


def test_api_page_links_to_the_source_of_functions(site):
    page = _page(site, "api")
    assert "_modules/kurils/data.html" in page
    assert (site / "_modules" / "kurils" / "data.html").is_file()


# --- citation metadata -----------------------------------------------------------------------------

def _meta_tags(page: str) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for name, content in re.findall(r'<meta name="(citation_[a-z_]+)" content="([^"]*)"', page):
        tags.setdefault(name, []).append(html.unescape(content))
    return tags


@pytest.mark.parametrize("stem", CHAPTERS)
def test_every_page_carries_highwire_tags_that_agree_with_citation_cff(site, stem):
    cff = meta.citation()
    tags = _meta_tags(_page(site, stem))
    assert tags.get("citation_title") and tags["citation_title"][0]
    assert tags["citation_author"] == [a.get("name") or f"{a['family-names']}, {a['given-names']}" for a in cff["authors"]]
    assert tags["citation_publication_date"] == [str(cff["date-released"]).replace("-", "/")]
    assert tags["citation_inbook_title"] == [cff["title"]]
    assert tags["citation_version"] == [str(cff["version"])]


@pytest.mark.parametrize("stem", CHAPTERS)
def test_every_chapter_ends_with_a_cite_line_matching_the_how_to_cite_page(site, stem):
    page = _page(site, stem)
    title = _meta_tags(page)["citation_title"][0]
    match = re.search(r'<p class="kurils-cite-chapter"><strong>Cite this chapter:</strong> (.*?) \(<a', page, re.S)
    assert match, stem
    shown = html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))
    assert shown == meta.apa_chapter(title).replace("*", "")


def test_apa_chapter_follows_the_how_to_cite_rule():
    """How to cite: "add its title and, in APA, 'In' before the book's title"."""
    cff = meta.citation()
    book = meta.apa(cff)
    chapter = meta.apa_chapter("The islands at a glance", cff)
    head = f"The kurils-book contributors. ({str(cff['date-released'])[:4]})."
    assert book.startswith(head) and chapter.startswith(head)
    assert chapter == book.replace(head, head + " The islands at a glance. In", 1)


# --- make lab ---------------------------------------------------------------------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_lab_serves_jupyterlab_on_localhost_and_stops():
    """`make lab` answers HTTP 200 on 127.0.0.1 within a time limit; the test then stops it."""
    import os
    import signal
    import time
    import urllib.request

    port, token = _free_port(), "kurils-test-token"
    proc = subprocess.Popen(["make", "lab", f"LAB_PORT={port}", f"LAB_ARGS=--IdentityProvider.token={token}"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline, status = time.monotonic() + 90, None
        while time.monotonic() < deadline and status != 200:
            assert proc.poll() is None, proc.stdout.read().decode()[-3000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}", timeout=5) as resp:
                    status = resp.status
                    body = resp.read().decode("utf-8", "replace")
            except OSError:
                time.sleep(1)
        assert status == 200, "JupyterLab did not answer within 90 s"
        assert "JupyterLab" in body
        overrides = ROOT / ".venv" / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
        assert "Jupytext Notebook" in overrides.read_text(encoding="utf-8")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
    assert proc.poll() is not None


# --- visible code -----------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", CHAPTERS)
def test_no_result_cell_hides_its_code_for_good(stem):
    """Figure and table cells are hide-input (the reader can "Show code"); none is remove-input."""
    text = (ROOT / "book" / f"{stem}.md").read_text(encoding="utf-8")
    assert "remove-input" not in text, f"{stem}.md: run scripts/show_code_cells.py"


def test_show_code_toggle_is_offered_on_chapter_figures(site):
    page = _page(site, "islands")
    assert page.count("tag_hide-input") >= 3
