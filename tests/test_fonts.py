"""The bundled fonts (_static/fonts/): they cover what the book prints, travel with it, and are licensed.

The PDF side (embedding, extractable kanji) is in tests/test_build.py, which builds the PDF.
"""

from __future__ import annotations

import re
import subprocess
import sys
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from conftest import ROOT, html_pages

FONTS = ROOT / "_static" / "fonts"
WEB = ["kurils-sans-regular.woff2", "kurils-sans-italic.woff2", "kurils-sans-bold.woff2", "kurils-mono-regular.woff2",
       "kurils-gothic-jp.woff2", "kurils-gothic-sc.woff2"]
PRINT = ["kurils-sans-regular.otf", "kurils-sans-italic.otf", "kurils-sans-bold.otf", "kurils-mono-regular.ttf",
         "kurils-gothic-jp.ttf", "kurils-gothic-sc.otf"]
sys.path.insert(0, str(ROOT / "scripts"))
import make_fonts  # noqa: E402


@lru_cache(maxsize=None)
def cmap(name: str) -> frozenset[int]:
    return frozenset(TTFont(FONTS / name).getBestCmap())


def covered() -> frozenset[int]:
    return frozenset().union(*(cmap(n) for n in WEB))


def cjk_covered() -> frozenset[int]:
    return cmap("kurils-gothic-jp.woff2") | cmap("kurils-gothic-sc.woff2")


class _Text(HTMLParser):
    """The text a reader sees: everything outside <script>, <style> and <head>."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return "".join(parser.parts)


def test_fonts_cover_every_character_the_sources_use():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_fonts.py"), "--check"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr + "\n(regenerate with `make fonts`)"


def test_every_character_of_the_sources_has_a_glyph():
    missing = sorted(c for c in make_fonts.book_chars() if ord(c) >= 0x20 and ord(c) not in covered())
    assert missing == [], " ".join(f"U+{ord(c):04X}" for c in missing)


def test_the_japanese_face_draws_word_spaces():
    # Japanese titles are set in the Japanese face; a space it cannot draw prints as an empty box.
    for name in ("kurils-gothic-jp.ttf", "kurils-gothic-jp.woff2"):
        assert ord(" ") in cmap(name), name


def test_web_and_print_files_hold_the_same_characters():
    for web, printed in zip(WEB, PRINT):
        assert cmap(web) == cmap(printed), (web, printed)


def test_fonts_weigh_about_a_megabyte_in_all():
    total = sum((FONTS / n).stat().st_size for n in WEB + PRINT)
    assert total <= 1.2e6, f"{total / 1e6:.2f} MB"
    assert (FONTS / "kurils-gothic-jp.woff2").stat().st_size < 250e3  # a subset, not the 6 MB original


def test_subsets_are_renamed_and_carry_their_licences():
    for name in WEB + PRINT:
        names = TTFont(FONTS / name)["name"]
        family, full, postscript = names.getDebugName(1), names.getDebugName(4), names.getDebugName(6)
        assert family.startswith("Kurils "), (name, family)
        for reserved in ("IPA", "Fira", "Source", "Noto"):  # licence: no original name on a modified font
            assert reserved not in f"{family} {full} {postscript} {name}", (name, reserved)
        assert names.getDebugName(0), f"{name}: copyright notice dropped"
    readme = (FONTS / "README.md").read_text(encoding="utf-8")
    for needle in ("matplotlib-fontja==1.1.0", "sphinx-simplepdf==1.7.0", "fonts-noto-cjk", "Article 3.1"):
        assert needle in readme
    assert "IPA Font License Agreement v1.0" in (FONTS / "LICENSE-IPA-Font-License-v1.0.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONTS / "LICENSE-OFL-1.1.txt").read_text(encoding="utf-8")


def test_css_serves_every_web_font_and_the_print_css_every_print_font():
    site_css = (ROOT / "_static" / "kurils.css").read_text(encoding="utf-8")
    print_css = (ROOT / "_static" / "kurils-print.css").read_text(encoding="utf-8")
    for name in WEB:
        assert f'url("fonts/{name}")' in site_css, name
    for name in PRINT:
        assert f'url("fonts/{name}")' in print_css, name
    assert re.search(r"--pst-font-family-base:\s*\"Kurils Sans\", \"Kurils Gothic JP\"", site_css)


def test_subsetting_is_deterministic(tmp_path):
    face = make_fonts.faces()["kurils-gothic-jp"]
    chars = set("北方領土択捉島")
    assert make_fonts.subset_face(face, chars) == make_fonts.subset_face(face, chars)


def test_every_cjk_character_on_the_built_site_is_covered(site):
    missing: dict[str, set[str]] = {}
    for page in html_pages(site):
        for ch in set(page_text(page)):
            if make_fonts.is_cjk(ch) and ord(ch) not in cjk_covered():
                missing.setdefault(page.name, set()).add(ch)
    assert missing == {}, missing


def test_every_character_on_the_built_site_is_covered(site):
    """Not only CJK: Cyrillic, dashes, primes… (theme icons are drawn by the theme's icon font)."""
    missing: dict[str, set[str]] = {}
    for page in html_pages(site):
        for ch in set(page_text(page)):
            if ord(ch) > 0x20 and not ch.isspace() and ord(ch) not in covered() and not 0xE000 <= ord(ch) <= 0xF8FF:
                missing.setdefault(page.name, set()).add(ch)
    assert missing == {}, missing


def test_the_site_ships_the_fonts(site):
    for name in WEB:
        assert (site / "_static" / "fonts" / name).read_bytes() == (FONTS / name).read_bytes(), name


@pytest.mark.parametrize("text", ["国後島", "Итуруп", "歯舞群島"])
def test_sample_names_are_drawable(text):
    assert all(ord(c) in covered() for c in text)
