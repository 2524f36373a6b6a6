"""The book's own metadata, read from CITATION.cff (the single source of title, version and date)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from kurils.paths import book_root


@lru_cache(maxsize=1)
def citation(root: Path | None = None) -> dict:
    """CITATION.cff as a dict."""
    return yaml.safe_load(((root or book_root()) / "CITATION.cff").read_text(encoding="utf-8"))


def _authors(meta: dict) -> list[str]:
    return [a.get("name") or f"{a.get('family-names', '')}, {a.get('given-names', '')}".strip(", ") for a in meta["authors"]]


def apa(meta: dict | None = None, *, url: str | None = None) -> str:
    """An APA-style reference: Authors. (Year). *Title* (Version x) [Computer software and data]. URL

    Markdown (the title in italics) built from the book's own CITATION.cff, not from data: it is a
    :class:`kurils.text.md`, which ``text.glue_phrase`` pastes as it is."""
    from kurils.text import md

    meta = meta or citation()
    year = str(meta["date-released"])[:4]
    ref = f"{' & '.join(_authors(meta))}. ({year}). *{meta['title']}* (Version {meta['version']}) [Executable book and data]."
    return md(f"{ref} {url}" if url else ref)


def bibtex(meta: dict | None = None, *, key: str = "kurils_book", url: str | None = None) -> str:
    """A BibTeX @misc entry for the book."""
    meta = meta or citation()
    fields = {
        "author": " and ".join("{" + a + "}" for a in _authors(meta)),
        "title": "{" + meta["title"] + "}",
        "year": str(meta["date-released"])[:4],
        "version": str(meta["version"]),
        "note": "Executable Jupyter Book with sourced data",
    }
    if url:
        fields["url"] = url
    body = ",\n".join(f"  {k} = {{{v}}}" if not v.startswith("{") else f"  {k} = {v}" for k, v in fields.items())
    return f"@misc{{{key},\n{body}\n}}"


@lru_cache(maxsize=1)
def bibliography_keys(root: Path | None = None) -> dict[str, str]:
    """source_url -> key of its entry in references.bib (generated from data/ by scripts/make_bib.py).

    A @misc entry's source is its ``url``; a work of scholarship (@book, @article, …) records the
    page on which its details were confirmed in ``bibsource``.
    """
    import re

    text = ((root or book_root()) / "references.bib").read_text(encoding="utf-8")
    out = {}
    for kind, key, body in re.findall(r"^@(\w+)\{([^,]+),\n(.*?)\n\}$", text, flags=re.S | re.M):
        field = "url" if kind == "misc" else "bibsource"
        found = re.search(rf"^  {field} = \{{([^}}]*)\}}", body, flags=re.M)
        if found:
            out[found.group(1)] = key
    return out


def bibliography_entry_keys(root: Path | None = None) -> set[str]:
    """Every key in references.bib (data sources and works of scholarship)."""
    import re

    text = ((root or book_root()) / "references.bib").read_text(encoding="utf-8")
    return set(re.findall(r"^@\w+\{([^,]+),$", text, flags=re.M))


def citation_keys(*frames) -> list[str]:
    """Bibliography keys of every source the given tables use; KeyError names a source missing from the .bib."""
    keys = bibliography_keys()
    urls = sorted({url for frame in frames for url in frame["source_url"]})
    missing = [u for u in urls if u not in keys]
    if missing:
        raise KeyError(f"{len(missing)} source(s) not in references.bib (run `make bib`): {missing[:3]}")
    return sorted({keys[u] for u in urls})


def apa_chapter(chapter_title: str, meta: dict | None = None, *, url: str | None = None) -> str:
    """APA reference for one chapter, as the How-to-cite page describes it: the chapter's title, then
    "In" and the book's reference."""
    meta = meta or citation()
    year = str(meta["date-released"])[:4]
    ref = (f"{' & '.join(_authors(meta))}. ({year}). {chapter_title}. In *{meta['title']}* "
           f"(Version {meta['version']}) [Executable book and data].")
    return f"{ref} {url}" if url else ref


def highwire_tags(page_title: str, meta: dict | None = None, *, page_url: str | None = None,
                  pdf_url: str | None = None) -> list[tuple[str, str]]:
    """Highwire Press ``citation_*`` meta tags (read by Zotero and Google Scholar) for one page."""
    meta = meta or citation()
    released = str(meta["date-released"])
    tags = [("citation_title", page_title)]
    tags += [("citation_author", a) for a in _authors(meta)]
    tags += [
        ("citation_publication_date", released.replace("-", "/")),
        ("citation_date", released.replace("-", "/")),
        ("citation_inbook_title", meta["title"]),
        ("citation_book_title", meta["title"]),
        ("citation_version", str(meta["version"])),
        ("citation_language", "en"),
    ]
    if page_url:
        tags.append(("citation_public_url", page_url))
        tags.append(("citation_abstract_html_url", page_url))
    if pdf_url:
        tags.append(("citation_pdf_url", pdf_url))
    return tags


@lru_cache(maxsize=1)
def book_config(root: Path | None = None) -> dict:
    """The Jupyter Book configuration (``_config.yml``) as a dict."""
    return yaml.safe_load(((root or book_root()) / "_config.yml").read_text(encoding="utf-8"))


def repository_url(root: Path | None = None) -> str:
    """The repository's public address: the one setting ``repository.url`` in ``_config.yml``."""
    return str((book_config(root).get("repository") or {}).get("url") or "")


def clone_command(root: Path | None = None) -> str:
    """The shell line that gets the book's source, from :func:`repository_url`."""
    url = repository_url(root)
    if url:
        return f"git clone {url} kurils-book && cd kurils-book"
    return "git clone REPOSITORY_URL kurils-book && cd kurils-book   # REPOSITORY_URL: set repository.url in _config.yml"
