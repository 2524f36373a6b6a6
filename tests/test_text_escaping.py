"""kurils.text.table: data text is text; only HTML built by code (markupsafe.Markup) stays HTML."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from kurils import text

PAYLOAD = "<script>alert(1)</script> [click](https://evil.example/) & <b>bold</b>"


def _html(frame, **kw) -> str:
    return text.table(frame, uid="t", **kw).to_html()


def test_every_data_cell_header_and_caption_is_escaped():
    frame = pd.DataFrame({"Name": [PAYLOAD], "<i>col</i>": ["x"], "Value": [1234.5]})
    out = _html(frame, formats={"Value": "{:,.0f}"}, caption="Caption <u>data</u>")
    assert "<script>" not in out and "<b>" not in out and "<i>" not in out and "<u>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "[click](https://evil.example/) &amp; &lt;b&gt;bold&lt;/b&gt;" in out
    assert "&lt;i&gt;col&lt;/i&gt;" in out and "Caption &lt;u&gt;data&lt;/u&gt;" in out
    assert "1,234" in out  # number formats still apply


def test_formatted_columns_are_escaped_too():
    frame = pd.DataFrame({"Note": [PAYLOAD]})
    out = _html(frame, formats={"Note": "{}"})
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_links_built_by_code_stay_links_with_escaped_parts():
    cell = text.link('https://example.org/?a=1&b="2"', "Title <em>x</em>", title="t<>")
    assert isinstance(cell, Markup)
    out = _html(pd.DataFrame({"Source": [cell]}))
    assert '<a href="https://example.org/?a=1&amp;b=&quot;2&quot;" title="t&lt;&gt;">Title &lt;em&gt;x&lt;/em&gt;</a>' in out


def test_markup_concatenated_with_data_escapes_the_data():
    cell = text.link("https://example.org/", "ok") + " (" + PAYLOAD + ")"
    out = _html(pd.DataFrame({"Source": [cell]}))
    assert '<a href="https://example.org/">ok</a>' in out and "<script>" not in out


def test_missing_values_show_a_dash():
    out = _html(pd.DataFrame({"A": [None], "B": [pd.NA]}, dtype="object"))
    assert out.count("–") == 2


def test_sources_table_links_escape_title_and_url():
    frame = pd.DataFrame({"source_title": [PAYLOAD], "source_url": ['https://x.example/"><script>'],
                          "source_kind": ["press"], "accessed": pd.to_datetime(["2026-12-06"])})
    out = _html(text.sources_table(frame))
    assert "<script>" not in out and '<a href="https://x.example/&quot;&gt;&lt;script&gt;">' in out


def test_md_escape_neutralises_links_and_tags():
    escaped = text.md_escape("[click](https://evil.example/) <b>x</b>")
    assert "](" not in escaped.replace("\\](", "") and "\\<b\\>" in escaped


# ----------------------------------------------------------------------------------------------------
# Data text in glued phrases: every chapter's key numbers (and the other phrases a page glues) with
# hostile text appended to every free-text cell of the real tables. A glued phrase is markdown on the
# page, so data text must arrive escaped: the hostile text must render as the characters typed.

import json
import re
from contextlib import contextmanager

import pytest

from kurils import data

MARK = " <script>x</script> [l](https://evil.example) *e*"

#: Free-text columns left clean, and why: appending the marker would break the parsing, not the page.
KEEP_CLEAN = {
    ("claims", "evidence"): "references in a mini-language ('table:id; doc:page') parsed by claims.parse_evidence",
    ("claims", "claimed_value"): "the number a claim states, parsed by claims' rules and compared with the data",
    ("region_facts", "subject"): "looked up by value ('Kuril Islands' with metric 'land_area') for the chain's area",
    ("polls", "answer_en"): "looked up by wording (economy.pick(..., answer_en='feel affinity'))",
}

#: Column names that hold ids, keys, enums or addresses although the schema types them as plain strings.
_NOT_PROSE = re.compile(r"(^id$|_id$|_ids$|^key$|url|^parent$|^via$|^island$|^system$|^waypoint$|_side$|"
                        r"^as_of_meeting$|^group$|^route$|^chapters$|date)")
_ID_LIKE = re.compile(r"[a-z0-9][a-z0-9_;, ]*")


def free_text_columns(name: str, frame: pd.DataFrame) -> list[str]:
    """Columns of a table that hold prose, names, titles or quotes: strings without an enum, a pattern
    or a format, not part of a primary or foreign key, not named like an id, not all id-like values."""
    schema = data.resource_descriptor(name)["schema"]
    keys = set(schema.get("primaryKey", []))
    keys |= {f for fk in schema.get("foreignKeys", []) for f in fk["fields"]}
    out = []
    for field in schema["fields"]:
        col, cons = field["name"], field.get("constraints", {})
        if (field.get("type") != "string" or "format" in field or "enum" in cons or "pattern" in cons
                or col in keys or _NOT_PROSE.search(col) or (name, col) in KEEP_CLEAN):
            continue
        values = frame[col].dropna().astype(str)
        if values.empty or values.map(lambda v: bool(_ID_LIKE.fullmatch(v))).all():
            continue
        out.append(col)
    return out


def inject(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The table with MARK appended to every non-empty free-text cell (ids and lookups still work)."""
    frame = frame.copy()
    for col in free_text_columns(name, frame):
        present = frame[col].notna() & (frame[col].astype(str) != "")
        frame[col] = frame[col].astype(object).where(~present, frame[col].astype(str) + MARK)
    return frame


@pytest.fixture(scope="module")
def clean_tables(tables) -> dict[str, pd.DataFrame]:
    """Every table of the package, as loaded once for the session (conftest's ``tables``); never modified."""
    return tables


@pytest.fixture(scope="module")
def hostile_tables(clean_tables) -> dict[str, pd.DataFrame]:
    return {name: inject(name, frame) for name, frame in clean_tables.items()}


@contextmanager
def _hostile_data(tables: dict[str, pd.DataFrame]):
    """data.load returns the hostile tables; caches of loaded tables are emptied before and after."""
    from kurils import front

    original = data.load
    front._tables.cache_clear()
    data.load = lambda name, root=None: tables[name].copy()
    try:
        yield
    finally:
        data.load = original
        front._tables.cache_clear()


def _glue_economy():
    from kurils import economy

    names = ["trade", "energy", "projects", "sanctions", "cooperation", "polls", "analogy"]
    text.glue_all(economy.key_numbers({n: data.load(n) for n in names}))


def _glue_history():
    from kurils import history

    text.glue_all(history.key_numbers({n: data.load(n) for n in history.TABLES}))


def _glue_islands():
    from kurils import islands

    text.glue_all(islands.key_numbers({n: data.load(n) for n in islands.TABLES}))


def _glue_legal():
    from kurils import legal

    text.glue_all(legal.key_numbers({n: data.load(n) for n in legal.TABLES}))


def _glue_negotiations():
    from kurils import negotiations as N

    t = {n: data.load(n) for n in N.TABLES}
    text.glue_all(N.key_numbers(t))
    for name, rows in N.citation_rows(t).items():
        text.glue_citations(name, rows)


def _glue_okhotsk():
    from kurils import okhotsk as ok

    t = {n: data.load(n) for n in ok.TABLES}
    text.glue_all(ok.key_numbers(t, ok.analyse(t)))


def _glue_scenarios():
    from kurils import scenarios as S

    t = {n: data.load(n) for n in S.TABLES}
    text.glue_all(S.key_numbers(t, S.measure(t)))
    for name, rows in S.citation_rows(t).items():
        text.glue_citations(name, rows)


def _glue_security():
    from kurils import security as sec

    names = ["joint_activities", "waypoints", "specified_straits", "alliance", "military_sites"]
    text.glue_all(sec.key_numbers({n: data.load(n) for n in names}))


def _glue_claims():
    from kurils import claims

    text.glue_all(claims.key_numbers(claims.load_tables()))


def _glue_sources():
    from kurils import quality

    text.glue_all(quality.key_numbers({n: data.load(n) for n in data.table_names()}))


def _glue_summary():  # the summary and the conclusion glue the same values
    from kurils import front

    text.glue_all(front.key_numbers(front.tables()))


def _glue_perspectives():
    from kurils import front

    text.glue_all(front.perspective_values(front.tables()))


def _glue_further_reading():
    from kurils import literature, quality

    for group, body in literature.reading_list(literature.load(), quality.page_titles()).items():
        text.glue_phrase(f"reading_{group}", body)


#: What each page's glue cell does, page by page (book/<page>.md).
PRODUCERS = {
    "economy": _glue_economy, "history": _glue_history, "islands": _glue_islands, "legal": _glue_legal,
    "negotiations": _glue_negotiations, "okhotsk": _glue_okhotsk, "scenarios": _glue_scenarios,
    "security": _glue_security, "claims": _glue_claims, "sources": _glue_sources, "summary": _glue_summary,
    "perspectives": _glue_perspectives, "further_reading": _glue_further_reading,
}

#: Pages whose glued phrases carry data text today (so the check below is not vacuous).
CARRY_DATA_TEXT = {"islands", "okhotsk", "scenarios", "security", "perspectives", "further_reading"}


def _glued_markdown(produce) -> dict[str, str]:
    """Run a page's glue calls; return the markdown of every phrase glued (name -> text/markdown)."""
    import myst_nb
    from IPython.display import Markdown

    glued = {}

    def record(name, value, display=True):
        if isinstance(value, Markdown):
            glued[name] = value.data

    original = myst_nb.glue
    myst_nb.glue = record
    try:
        produce()
    finally:
        myst_nb.glue = original
    return glued


def _unescaped(pattern: str) -> re.Pattern:
    """``pattern`` preceded by an even number of backslashes (none included): markdown reads it."""
    return re.compile(r"(?<!\\)(?:\\\\)*" + pattern)


LEAKS = {"<script": _unescaped(r"<script"), "](https://evil.example)": _unescaped(r"\]\(<?https://evil"),
         "*e*": _unescaped(r"\*e\*")}


def _myst():
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    config = yaml_config()["parse"]["myst_enable_extensions"]
    return create_md_parser(MdParserConfig(enable_extensions=set(config)), RendererHTML)


def yaml_config() -> dict:
    import yaml

    from kurils.paths import book_root

    return yaml.safe_load((book_root() / "_config.yml").read_text(encoding="utf-8"))


def test_hostile_text_reaches_free_text_columns(hostile_tables):
    assert MARK in str(hostile_tables["positions"].loc[0, "quote"])
    assert MARK not in str(hostile_tables["positions"].loc[0, "id"])
    assert set(free_text_columns("military_sites", hostile_tables["military_sites"])) >= {"name", "note"}


@pytest.mark.parametrize("page", list(PRODUCERS))
def test_data_text_in_glued_phrases_is_escaped(page, hostile_tables):
    with _hostile_data(hostile_tables):
        glued = _glued_markdown(PRODUCERS[page])
    assert glued, page
    leaks = {f"{name}: {label}" for name, md in glued.items() for label, rx in LEAKS.items() if rx.search(md)}
    assert not leaks, f"{page}: unescaped data text in {sorted(leaks)[:8]} … ({len(leaks)} in all)"
    parser = _myst()
    carried = [name for name, md in glued.items() if "evil" in md]
    for name in carried:
        for html_out in (parser.renderInline(glued[name]), parser.render(glued[name])):  # {glue:md} role / directive
            assert "<script" not in html_out and 'href="https://evil' not in html_out and "<em>e</em>" not in html_out
            assert "&lt;script&gt;x&lt;/script&gt; [l](https://evil.example) *e*" in html_out, name
    assert bool(carried) >= (page in CARRY_DATA_TEXT), f"{page}: no glued phrase carries data text any more"


def test_every_data_cell_escaped_renders_exactly_as_typed(clean_tables):
    """The escapes are invisible: each distinct text cell of today's data, escaped and rendered by
    MyST as a phrase (inline role) and as a block (directive), gives back its own text: no
    backslash, no markup (apostrophes, Japanese and Russian, dashes, %, $, & and brackets included)."""
    from markdown_it.common.utils import escapeHtml

    parser = _myst()
    cells = {v for frame in clean_tables.values() for col in frame.columns
             if frame[col].dtype == object or str(frame[col].dtype) == "string"
             for v in frame[col].dropna().astype(str)}
    assert len(cells) > 1000
    wrong = []
    for cell in cells:
        want = escapeHtml(re.sub(r"\s*[\r\n]+\s*", " ", cell))
        inline = parser.renderInline(text.md_escape(cell))
        block = parser.render(text.md_escape(cell)).removeprefix("<p>").removesuffix("</p>\n")
        if inline != want or block != want:
            wrong.append((cell, inline, block))
    assert not wrong, wrong[:3]


@pytest.mark.parametrize("typed", [
    "Russia’s 'southern Kurils' – 67.7 % of $47.60 & more", "北方領土問題 (内閣官房) 1956~1998年", "Курильские острова — «наши»",
    "1. not a list", "# not a heading", "- not a bullet", "| not | a table |", "{cite:p}`not_a_role`", "{{ not_sub }}",
    "$x$ not math", "&lt;not an entity&gt;", "a\n\n=== not a heading\n    not code", "https://not.a.link/ <https://x.y>",
])
def test_md_escape_shows_as_typed(typed):
    from markdown_it.common.utils import escapeHtml

    parser = _myst()
    want = escapeHtml(re.sub(r"\s*[\r\n]+\s*", " ", typed))
    assert parser.renderInline(text.md_escape(typed)) == want
    assert parser.render(text.md_escape(typed)) == f"<p>{want}</p>\n"


def test_md_escape_leaves_letters_quotes_dashes_and_percent_alone():
    assert text.md_escape("Russia’s 'own' “words” – 北方 Курилы 5 %") == "Russia’s 'own' “words” – 北方 Курилы 5 %"


def _glued(call) -> dict[str, str]:
    return _glued_markdown(call)


def test_glue_phrase_escapes_text_and_pastes_markdown_built_by_code():
    glued = _glued(lambda: (text.glue_phrase("plain", "*e* <b>"), text.glue_phrase("built", text.md("*note*")),
                            text.glue_all({"value": "[l](https://evil.example)", "when": pd.Timestamp("2020-07-04"),
                                           "link": text.md_link("https://mofa.go.jp/", "mofa.go.jp")})))
    assert glued["plain"] == "\\*e\\* \\<b\\>" and glued["built"] == "*note*"
    assert glued["value"] == "\\[l\\]\\(https://evil\\.example\\)" and glued["when"] == "4 July 2020"
    assert glued["link"] == "[mofa.go.jp](<https://mofa.go.jp/>)"


def test_md_plus_text_escapes_the_text():
    out = text.md("*Note:* ") + "<script>" + text.md(" **ok**")
    assert isinstance(out, text.md) and out == "*Note:* \\<script\\> **ok**"
    assert isinstance("a_b " + text.md("*x*"), text.md) and ("a_b " + text.md("*x*")) == "a\\_b *x*"


def test_md_link_escapes_label_and_keeps_url_in_its_brackets():
    out = text.md_link("https://x.example/a_(b)> [c](https://evil.example)", "t *e* [x](https://evil.example)")
    assert isinstance(out, text.md)
    html_out = _myst().renderInline(out)
    assert html_out.count("<a ") == 1 and "<em>" not in html_out and 'href="https://evil' not in html_out
    assert 'href="https://x.example/a_(b)%3E%20%5Bc%5D(https://evil.example)"' in html_out
    assert ">t *e* [x](https://evil.example)</a>" in html_out


def test_citations_stay_a_role():
    from kurils import meta

    frame = pd.DataFrame({"source_url": [next(iter(meta.bibliography_keys()))]})
    glued = _glued(lambda: text.glue_citations("cite", frame))
    assert glued["cite"].startswith("{cite:p}`") and "\\" not in glued["cite"]
