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
