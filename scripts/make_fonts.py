"""Regenerate the book's bundled fonts (_static/fonts/): subsets with exactly the characters it uses.

    .venv/bin/python scripts/make_fonts.py            # rewrite the fonts and chars.txt
    .venv/bin/python scripts/make_fonts.py --check    # exit 1 when a source uses a character not bundled

The site and the PDF draw every letter with these files, never with the reader's system fonts, so a
machine without Japanese fonts still shows kanji (no empty boxes) and the PDF embeds what it prints.

Characters are collected from everything that can reach a page: book/*.md, data/*.csv,
data/datapackage.json, src/kurils/*.py (labels built by code), _config.yml, _toc.yml and
references.bib. Three faces, each renamed (the licences forbid a modified font to keep the
original name; see _static/fonts/README.md):

* **Kurils Sans** (Regular, Italic, Bold) from Fira Sans, shipped in the pinned PyPI package
  sphinx-simplepdf (SIL OFL 1.1): Latin, Cyrillic and punctuation. Printable ASCII and Latin-1 are
  always kept so the theme's own words render.
* **Kurils Mono** from Fira Mono (same package and licence): code, where the text shows code.
* **Kurils Gothic JP** from IPAexGothic, shipped in the pinned PyPI package matplotlib-fontja
  (IPA Font License v1.0, the face the figures use): every CJK character (kanji, kana, CJK
  punctuation, full-width forms) the book uses.
* **Kurils Gothic SC** from Noto Sans CJK SC (SIL OFL 1.1, Debian package fonts-noto-cjk, only
  needed when regenerating): the few simplified-Chinese characters IPAexGothic lacks.

Each face is written as WOFF2 (site) and as OpenType/TrueType (PDF, WeasyPrint). Output is
deterministic (no timestamps), so an unchanged book regenerates byte-identical files.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_static" / "fonts"
CHARS_FILE = OUT / "chars.txt"
SOURCE_GLOBS = ["book/*.md", "data/*.csv", "data/datapackage.json", "src/kurils/*.py", "_config.yml", "_toc.yml",
                "references.bib"]
NOTO_CJK_TTC = Path(os.environ.get("NOTO_CJK_TTC", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"))
# Printable ASCII and Latin-1 (the theme's own words), and what Sphinx's smartquotes and the docutils
# writers put on pages without it being in any source: curly quotes, dashes, ellipsis, pilcrow.
ALWAYS_LATIN = ({chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xA0, 0x100)}
                | set("‘’‚“”„–—…•¶"))
# Characters pages use that need no glyph of ours: controls, whitespace the browser handles, variation
# selectors, the byte-order mark.
IGNORED = {"\n", "\r", "\t", "\ufeff", "\u200b", "\u200c", "\u200d", "\u2060", "\ufe0f"}


def _site_packages() -> Path:
    import matplotlib_fontja

    return Path(matplotlib_fontja.__file__).resolve().parents[1]


def faces() -> dict[str, dict]:
    """The bundled faces: output stem -> source file, family name, style, weight, CSS role."""
    fira = _site_packages() / "sphinx_simplepdf" / "themes" / "simplepdf_theme" / "static" / "fonts"
    return {
        "kurils-sans-regular": {"src": fira / "FiraSans-Regular.otf", "family": "Kurils Sans", "style": "Regular",
                                "weight": 400, "italic": False, "role": "latin"},
        "kurils-sans-italic": {"src": fira / "FiraSans-Italic.otf", "family": "Kurils Sans", "style": "Italic",
                               "weight": 400, "italic": True, "role": "latin"},
        "kurils-sans-bold": {"src": fira / "FiraSans-Bold.otf", "family": "Kurils Sans", "style": "Bold",
                             "weight": 700, "italic": False, "role": "latin"},
        "kurils-mono-regular": {"src": fira / "FiraMono-Regular.ttf", "family": "Kurils Mono", "style": "Regular",
                                "weight": 400, "italic": False, "role": "mono"},
        "kurils-gothic-jp": {"src": _site_packages() / "matplotlib_fontja" / "fonts" / "ipaexg.ttf",
                             "family": "Kurils Gothic JP", "style": "Regular", "weight": 400, "italic": False,
                             "role": "cjk"},
        "kurils-gothic-sc": {"src": NOTO_CJK_TTC, "ttc_name": "Noto Sans CJK SC", "family": "Kurils Gothic SC",
                             "style": "Regular", "weight": 400, "italic": False, "role": "cjk-extra"},
    }


def is_cjk(ch: str) -> bool:
    """Kana, kanji (incl. extension A and compatibility), CJK symbols and punctuation, full-width forms."""
    o = ord(ch)
    return (0x3000 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF
            or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF)


def book_chars(root: Path = ROOT) -> set[str]:
    """Every character in the sources that can reach a page."""
    chars: set[str] = set()
    for pattern in SOURCE_GLOBS:
        for path in sorted(root.glob(pattern)):
            chars |= set(path.read_text(encoding="utf-8"))
    return chars - IGNORED


def _open(face: dict) -> TTFont:
    src = face["src"]
    if not Path(src).is_file():
        raise SystemExit(f"{src} is missing: " + ("install Debian's fonts-noto-cjk (apt-get install -y fonts-noto-cjk), "
                                                  "needed only to regenerate the fonts" if "ttc_name" in face
                                                  else "run `make venv`"))
    if "ttc_name" in face:
        for font in TTCollection(str(src), recalcTimestamp=False).fonts:
            if font["name"].getDebugName(1) == face["ttc_name"]:
                return font
        raise SystemExit(f"{face['ttc_name']} not in {src}")
    return TTFont(str(src), recalcTimestamp=False)


def cmap_of(face: dict) -> set[int]:
    return set(_open(face).getBestCmap())


def plan(chars: set[str]) -> tuple[dict[str, set[str]], set[str]]:
    """Which characters go into which face, and which no face can draw."""
    all_faces = faces()
    latin = {k: f for k, f in all_faces.items() if f["role"] == "latin"}
    latin_cmap = set.intersection(*(cmap_of(f) for f in latin.values()))
    jp_cmap = cmap_of(all_faces["kurils-gothic-jp"])
    cjk = {c for c in chars if is_cjk(c)}
    other = {c for c in chars if not is_cjk(c)}
    jp = {c for c in cjk if ord(c) in jp_cmap}
    sc = cjk - jp
    latin_chars = {c for c in other | ALWAYS_LATIN if ord(c) in latin_cmap}
    # Symbols the Latin face lacks (e.g. prime marks) come from the Japanese face, which has them.
    jp |= {c for c in other if ord(c) not in latin_cmap and ord(c) in jp_cmap}
    # Text set in the Japanese face (lang="ja" titles) keeps its word spaces inside that face: without a
    # space glyph, WeasyPrint draws the spaces of a Japanese title as empty boxes.
    jp |= {" "} & {chr(u) for u in jp_cmap}
    mono_cmap = cmap_of(all_faces["kurils-mono-regular"])
    mono_chars = {c for c in other | ALWAYS_LATIN if ord(c) in mono_cmap}
    assignment = ({k: latin_chars for k in latin} | {"kurils-mono-regular": mono_chars}
                  | {"kurils-gothic-jp": jp, "kurils-gothic-sc": sc})
    drawn = set().union(*assignment.values())
    if sc:
        sc_face = all_faces["kurils-gothic-sc"]
        # without Debian's fonts-noto-cjk, the committed subset tells what can be kept
        sc_cmap = cmap_of(sc_face) if Path(sc_face["src"]).is_file() else _bundled_cmap("kurils-gothic-sc")
        drawn -= {c for c in sc if ord(c) not in sc_cmap}
    missing = {c for c in chars if c not in drawn and ord(c) >= 0x20}
    if missing & sc and not Path(all_faces["kurils-gothic-sc"]["src"]).is_file():
        print("new simplified-Chinese characters: install fonts-noto-cjk (apt-get install -y fonts-noto-cjk) "
              "or set NOTO_CJK_TTC, then run this again", file=sys.stderr)
    return assignment, missing


def _rename(font: TTFont, face: dict) -> None:
    """New family names in the name table (a modified font must not carry the original's name)."""
    family, style = face["family"], face["style"]
    full = f"{family} {style}" if style != "Regular" else family
    postscript = f"{family.replace(' ', '')}-{style}"
    name = font["name"]
    keep = {0, 7, 8, 9, 11, 12, 13, 14}  # copyright, trademark, maker, designer, URLs, licence
    name.names = [n for n in name.names if n.nameID in keep]
    for name_id, value in {1: family, 2: style, 3: f"{postscript};kurils-book-subset", 4: full, 5: "subset",
                           6: postscript}.items():
        name.setName(value, name_id, 3, 1, 0x409)
        name.setName(value, name_id, 1, 0, 0)
    if "CFF " in font:  # CFF fonts carry their names a second time
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        for key, value in (("FullName", full), ("FamilyName", family)):
            if hasattr(top, key):
                setattr(top, key, value)


def subset_face(face: dict, chars: set[str]) -> dict[str, bytes]:
    """The subset as {'woff2': bytes, 'otf' or 'ttf': bytes}."""
    out = {}
    ext = "otf" if "CFF " in _open(face) else "ttf"
    for flavor in (None, "woff2"):
        font = _open(face)
        options = subset.Options()
        options.flavor = flavor
        options.layout_features = ["*"]  # keep kerning, ligatures, vertical and CJK-width features
        options.name_IDs = ["*"]
        options.name_legacy = True
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.glyph_names = False
        options.hinting = False  # hinting is most of a TrueType font's size; browsers and PDF viewers hint
        options.desubroutinize = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(ord(c) for c in chars))
        subsetter.subset(font)
        _rename(font, face)
        buffer = io.BytesIO()
        font.flavor = flavor
        font.save(buffer, reorderTables=True)
        out["woff2" if flavor else ext] = buffer.getvalue()
    return out


def _bundled_cmap(stem: str) -> set[int]:
    files = sorted(OUT.glob(f"{stem}.*"))
    return set.intersection(*(set(TTFont(str(f)).getBestCmap()) for f in files)) if files else set()


def _bundled_covers(stem: str, chars: set[str]) -> bool:
    """Whether the committed subset files of a face already hold every character it is assigned."""
    files = sorted(OUT.glob(f"{stem}.*"))
    return bool(files) and all({ord(c) for c in chars} <= set(TTFont(str(f)).getBestCmap()) for f in files)


def write(chars: set[str]) -> list[Path]:
    assignment, missing = plan(chars)
    if missing:
        print("no bundled face draws: " + " ".join(f"U+{ord(c):04X} {c}" for c in sorted(missing)), file=sys.stderr)
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, face in faces().items():
        if not Path(face["src"]).is_file() and _bundled_covers(stem, assignment[stem]):
            print(f"{stem}: source font not installed; the bundled subset already covers its characters, kept")
            continue
        for old in OUT.glob(f"{stem}.*"):
            old.unlink()
        if not assignment[stem]:
            continue
        for ext, data in subset_face(face, assignment[stem]).items():
            path = OUT / f"{stem}.{ext}"
            path.write_bytes(data)
            written.append(path)
    CHARS_FILE.write_text(serialise(chars), encoding="utf-8")
    return written


def serialise(chars: set[str]) -> str:
    """chars.txt: the characters the subsets were made for, one line per 64, sorted by code point."""
    ordered = "".join(sorted(c for c in chars if c not in (" ",)))
    lines = [ordered[i:i + 64] for i in range(0, len(ordered), 64)]
    return ("# Characters the book's sources use; scripts/make_fonts.py writes this file with the fonts.\n"
            + "\n".join(lines) + "\n")


def recorded_chars() -> set[str]:
    if not CHARS_FILE.is_file():
        return set()
    body = CHARS_FILE.read_text(encoding="utf-8").split("\n", 1)[1]
    return set(body.replace("\n", "")) | {" "}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that the fonts cover the sources")
    args = parser.parse_args(argv)
    chars = book_chars()
    if args.check:
        new = chars - recorded_chars()
        if new:
            print("characters used since the fonts were made: " + "".join(sorted(new))
                  + "\nrun: .venv/bin/python scripts/make_fonts.py (or make fonts)", file=sys.stderr)
            return 1
        print(f"fonts cover all {len(chars)} characters the sources use")
        return 0
    written = write(chars)
    total = sum(p.stat().st_size for p in written)
    for path in written:
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1024:.0f} KiB")
    print(f"total {total / 1024:.0f} KiB for {len(chars)} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
