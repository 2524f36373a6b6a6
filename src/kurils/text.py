"""Numbers in prose come from data: formatting and glue helpers for the chapters.

Chapters glue values with :func:`glue_value` and paste them with ``{glue:text}`` (numbers, with a
format spec such as ``:,.0f``) or glue ready-made phrases with :func:`glue_phrase` and paste them
with ``{glue:md}``.

**Data text is text.** :func:`table` escapes every cell, header and caption, so a row holding
``<script>`` or a markdown link shows those characters instead of becoming markup. The only HTML
that reaches a page is built by code: :func:`link` and :func:`html` return
``markupsafe.Markup``, which the escaping leaves alone, and every piece of data inside them
goes through ``html.escape`` first.

Glued phrases follow the same rule. :func:`glue_phrase` and :func:`glue_all` treat a plain ``str``
as data text and escape it with :func:`md_escape`, so it shows as typed; markdown built by code
(links, italics, citations) is marked with :class:`md`, which they paste as it is. Build an
:class:`md` only from escaped parts: :func:`md_escape` for data text, :func:`md_link` for links.
"""

from __future__ import annotations

import datetime as dt
import html as _html
import re

import pandas as pd
from markupsafe import Markup

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def fmt_int(value: float) -> str:
    """Whole number with thousands separators: 17291 -> '17,291'."""
    return f"{round(float(value)):,}"


def fmt_date(value, precision: str = "day") -> str:
    """A date in the book's style ('15 August 1945'), cut to the precision the source gives."""
    ts = pd.Timestamp(value)
    if precision == "year":
        return f"{ts.year}"
    if precision == "month":
        return f"{MONTHS[ts.month - 1]} {ts.year}"
    return f"{ts.day} {MONTHS[ts.month - 1]} {ts.year}"


def sources_read_to(*frames: pd.DataFrame) -> str:
    """Latest day on which any row of the given tables was read (their ``accessed`` column)."""
    latest = max(pd.Timestamp(f["accessed"].max()) for f in frames)
    return fmt_date(latest)


def latest_event(timeline: pd.DataFrame | None = None) -> str:
    """Date of the latest event the book's timeline records, cut to the precision its source gives."""
    if timeline is None:
        from kurils import data

        timeline = data.load("timeline")
    last = timeline.sort_values("date").iloc[-1]
    return fmt_date(last["date"], last["date_precision"])


def data_current_to(*frames: pd.DataFrame) -> str:
    """The page's currency line: when its sources were last read, and the latest event on record.

    The two differ: a source read today may still describe events that end months earlier, so the
    page says both rather than one date readers would take for "events covered up to"."""
    return (f"Sources read up to {sources_read_to(*frames)}; latest event recorded in the timeline: "
            f"{latest_event()}")


def glue_value(name: str, value) -> None:
    """Glue a number (or other scalar) for ``{glue:text}`name:,.0f``` in prose, without displaying it."""
    from myst_nb import glue

    if isinstance(value, (pd.Timestamp, dt.date)):
        raise TypeError("glue dates with glue_phrase(fmt_date(...))")
    glue(name, value.item() if hasattr(value, "item") else value, display=False)


def glue_phrase(name: str, text: str) -> None:
    """Glue a phrase for ``{glue:md}`name``` in prose: a plain ``str`` is text (escaped, it shows as
    typed); an :class:`md` is markdown built by code and is pasted as it is."""
    from IPython.display import Markdown
    from myst_nb import glue

    glue(name, Markdown(as_markdown(text)), display=False)


def html(markup: str) -> Markup:
    """Mark a string built by code as HTML that :func:`table` passes through unescaped.

    Only for strings whose data parts were escaped with ``html.escape`` (or come from
    :func:`link`); never for data text itself.
    """
    return Markup(markup)


def link(url: str, label: str, title: str | None = None) -> Markup:
    """``<a href="url">label</a>`` with the URL, label and optional title escaped (safe in a table)."""
    extra = f' title="{html_escape(title, quote=True)}"' if title else ""
    return Markup(f'<a href="{html_escape(url, quote=True)}"{extra}>{html_escape(label)}</a>')


def html_escape(value, quote: bool = True) -> str:
    """``html.escape`` for any value (numbers and missing values become their text)."""
    return _html.escape(str(value), quote=quote)


class md(str):
    """Markdown built by code, which :func:`glue_phrase` and :func:`glue_all` paste unescaped.

    Like ``markupsafe.Markup`` for tables: build it only from escaped parts (:func:`md_escape` for
    data text, :func:`md_link` for links). Adding a plain ``str`` escapes the ``str``:
    ``md("*Note:* ") + row["note"]`` keeps the italics and shows the note as typed.
    """

    __slots__ = ()

    def __add__(self, other):
        return md(str.__add__(self, as_markdown(other)))

    def __radd__(self, other):
        return md(as_markdown(other) + str(self))


#: Every ASCII character that MyST Markdown may read as markup where a phrase is pasted (inline
#: markup, HTML, entities, roles and substitutions, dollar math, and block starts such as ``#``,
#: ``-``, ``1.`` or ``|`` where a phrase begins a line). CommonMark renders a backslash before any
#: ASCII punctuation as that character alone, so the escapes are invisible on the page.
_MD_SPECIAL = "\\`*_{}[]()<>#+-.!|~$&"
#: Inside a link's text only inline markup can start.
_MD_INLINE = "\\`*_{}[]<>!~$&"


def _escape_with(chars: str, value) -> str:
    text = re.sub(r"\s*[\r\n]+\s*", " ", str(value))  # one line: no block can start inside a phrase
    return "".join("\\" + ch if ch in chars else ch for ch in text)


def md_escape(value) -> str:
    """Data text for a markdown phrase (:func:`glue_phrase`): markdown and HTML characters are
    backslash-escaped and line breaks become spaces, so ``[x](http://…)``, ``<b>`` or ``*x*`` in a
    data cell shows as typed. Apostrophes, quotes, dashes, ``%`` and non-Latin text stay as they are."""
    return _escape_with(_MD_SPECIAL, value)


def md_link(url: str, label) -> md:
    """A markdown link ``[label](<url>)`` with the label escaped (shows as typed) and the URL kept
    inside its pointy brackets (``<``, ``>``, backslashes and spaces percent-encoded)."""
    safe = re.sub(r"[<>\\\s]", lambda m: "%{:02X}".format(ord(m.group())), str(url))
    return md(f"[{_escape_with(_MD_INLINE, label)}](<{safe}>)")


def as_markdown(value) -> str:
    """What a phrase pastes: an :class:`md` as it is, anything else as escaped text (:func:`md_escape`)."""
    return str(value) if isinstance(value, md) else md_escape(value)


def table(frame: pd.DataFrame, *, formats: dict | None = None, uid: str, caption: str | None = None):
    """An HTML table for a page: no index, fixed number formats, stable ids (deterministic HTML).

    Every cell, column header and the caption are HTML-escaped, except values that are
    ``markupsafe.Markup`` (built by :func:`link` / :func:`html` from escaped parts).
    """
    styler = frame.style.hide(axis="index").set_uuid(uid).set_table_attributes('class="kurils-table"')
    styler = styler.format(escape="html", na_rep="–").format_index(escape="html", axis=1)
    if formats:
        styler = styler.format(formats, na_rep="–", escape="html")
    if caption:
        styler = styler.set_caption(caption if isinstance(caption, Markup) else html_escape(caption, quote=False))
    return styler


def sources_table(*frames: pd.DataFrame) -> pd.DataFrame:
    """Distinct sources (title, URL, kind, day read) behind the given tables, for a chapter's source list.

    A source read on several days (rows re-checked at different times) is listed once, with the
    latest day it was read."""
    from kurils.sources import KIND_LABELS

    cols = ["source_title", "source_url", "source_kind", "accessed"]
    rows = (
        pd.concat([f[cols] for f in frames])
        .sort_values("accessed", kind="stable")
        .drop_duplicates(["source_title", "source_url", "source_kind"], keep="last")
        .sort_values(["source_title", "source_url"], kind="stable")
    )
    return pd.DataFrame({
        "Source": [link(u, t) for t, u in zip(rows["source_title"], rows["source_url"])],
        "Kind": rows["source_kind"].map(KIND_LABELS).to_list(),
        "Read on": rows["accessed"].dt.strftime("%Y-%m-%d").to_list(),
    })


def glue_all(values: dict) -> None:
    """Glue a chapter's key numbers in one call: numbers for ``{glue:text}``, Timestamps (as dates) and
    strings (as phrases, :func:`glue_phrase`) for ``{glue:md}``. The chapter modules'
    ``key_numbers(tables)`` return such dicts: a plain ``str`` is text and shows as typed (data text
    needs no escaping in the module); markdown the module builds on purpose is an :class:`md`."""
    for name, value in values.items():
        if isinstance(value, pd.Timestamp):
            glue_phrase(name, fmt_date(value))
        elif isinstance(value, str):
            glue_phrase(name, value)
        else:
            glue_value(name, value)


def glue_citations(name: str, *frames: pd.DataFrame) -> None:
    """Glue a citation of every source the tables use, for ``{glue:md}`name``` (renders as [1, 2, …])."""
    from kurils import meta

    glue_phrase(name, md("{cite:p}`" + ",".join(meta.citation_keys(*frames)) + "`"))
