"""Back matter: the gazetteer covers every located place; the bibliography matches the data."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from kurils import data, meta, reference

ROOT = Path(__file__).resolve().parents[1]


def test_gazetteer_lists_every_island_place_strait_and_site():
    gaz = reference.gazetteer()
    for table, cols in reference.GAZETTEER_SOURCES.items():
        frame = data.load(table)
        if table == "straits":
            frame = frame[frame["primary"].fillna(False).astype(bool)]
        names = set(frame[cols["name_en"]].dropna())
        assert names <= set(gaz["name_en"]), names - set(gaz["name_en"])
    located = gaz.dropna(subset=["lat", "lon"])
    assert located["lat"].between(-90, 90).all() and located["lon"].between(-180, 180).all()
    assert {"Etorofu/Iturup", "Kunashiri/Kunashir", "Shikotan"} <= set(gaz["name_en"])


def test_gazetteer_page_links_each_row_to_a_real_chapter():
    shown = reference.gazetteer_display(reference.gazetteer())
    for cell in shown["In"]:
        page = re.search(r'href="([a-z]+)\.html"', cell).group(1)
        assert (ROOT / "book" / f"{page}.md").is_file()


def test_references_bib_is_generated_from_the_current_data():
    regenerated = subprocess.run([sys.executable, "-c",
                                  "import sys; sys.path.insert(0, 'scripts'); import make_bib; "
                                  "print(make_bib.render(make_bib.entries()), end='')"],
                                 cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert regenerated == (ROOT / "references.bib").read_text(encoding="utf-8"), "run `make bib`"


def test_every_cited_key_exists():
    keys = meta.bibliography_entry_keys()
    for page in (ROOT / "book").glob("*.md"):
        for group in re.findall(r"\{cite:[pt]\}`([^`]+)`", page.read_text(encoding="utf-8")):
            for key in group.split(","):
                assert key.strip() in keys, f"{page.name}: {key}"


def test_every_data_source_has_a_bibliography_entry():
    from kurils import literature, sources

    # editorial tables (changelog, chapter reviews) cite repository files, not works: no entries
    tables = [data.load(n) for n in data.table_names() if n == literature.TABLE or n not in sources.NOT_EVIDENCE_TABLES]
    assert meta.citation_keys(*tables)
