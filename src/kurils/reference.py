"""Back-matter helpers: the gazetteer of every place in the book, generated from the data tables."""

from __future__ import annotations


import pandas as pd

from kurils import data, text

#: Tables that name places, and how their columns map onto the gazetteer's.
GAZETTEER_SOURCES = {
    "islands": {"kind": "kind", "name_en": "name_en", "name_ja": "name_ja", "name_ru": "name_ru"},
    "places": {"kind": "kind", "name_en": "name_en", "name_ja": "name_ja", "name_ru": "name_ru"},
    "straits": {"kind": None, "name_en": "name_en", "name_ja": "name_ja", "name_ru": "name_ru"},
    "military_sites": {"kind": "kind", "name_en": "name", "name_ja": None, "name_ru": None},
}
CHAPTER_OF = {"islands": "islands", "places": "okhotsk", "straits": "okhotsk", "military_sites": "okhotsk"}


def gazetteer(tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """One row per named place: names in English, Japanese and Russian, kind, coordinates, source.

    Straits keep one row per strait (the ``primary`` source row); places without coordinates keep
    empty coordinates, so the gazetteer also shows what could not be located.
    """
    tables = tables or {name: data.load(name) for name in GAZETTEER_SOURCES}
    rows = []
    for name, cols in GAZETTEER_SOURCES.items():
        frame = tables[name]
        if name == "straits" and "primary" in frame.columns:
            frame = frame[frame["primary"].fillna(False).astype(bool)]
        for _, r in frame.iterrows():
            def pick(col):
                value = r[col] if col and col in frame.columns else None
                return None if value is None or pd.isna(value) or value == "" else str(value)
            rows.append({
                "name_en": pick(cols["name_en"]), "name_ja": pick(cols["name_ja"]), "name_ru": pick(cols["name_ru"]),
                "kind": (pick(cols["kind"]) or "strait").replace("_", " "),
                "lat": r["lat"], "lon": r["lon"], "table": name,
                "source_title": r["source_title"], "source_url": r["source_url"], "accessed": r["accessed"],
            })
    out = pd.DataFrame(rows)
    out["lat"] = pd.to_numeric(out["lat"], errors="coerce")
    out["lon"] = pd.to_numeric(out["lon"], errors="coerce")
    return out.sort_values(["name_en"], key=lambda s: s.str.lower()).reset_index(drop=True)


def gazetteer_display(gaz: pd.DataFrame) -> pd.DataFrame:
    """The gazetteer as a page table: names, kind, coordinates in degrees, linked source and chapter."""
    def coord(v, pos, neg):
        return "–" if pd.isna(v) else f"{abs(v):.3f}° {pos if v >= 0 else neg}"

    return pd.DataFrame({
        "English": gaz["name_en"].fillna("–"),
        "Japanese": gaz["name_ja"].fillna("–"),
        "Russian": gaz["name_ru"].fillna("–"),
        "Kind": gaz["kind"],
        "Latitude": [coord(v, "N", "S") for v in gaz["lat"]],
        "Longitude": [coord(v, "E", "W") for v in gaz["lon"]],
        "In": [text.link(f"{CHAPTER_OF[t]}.html", CHAPTER_OF[t]) for t in gaz["table"]],
        "Source": [text.link(u, t) for t, u in zip(gaz["source_title"], gaz["source_url"])],
    })
