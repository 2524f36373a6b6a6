"""House style: three scripts draw without missing glyphs, and output is byte-identical."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from kurils import style


def _figure(label: str):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_title(label)
    ax.plot([0, 1], [0, 1])
    style.add_source(fig, "test")
    return fig


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_japanese_and_russian_labels_have_every_glyph(fmt):
    assert style.render(_figure("択捉島 Итуруп Etorofu/Iturup 歯舞群島"), fmt)


def test_a_glyph_no_font_has_fails_loudly():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_title("\U00013000")  # Egyptian hieroglyph: in neither font
    with pytest.raises(style.MissingGlyphError):
        style.render(fig, "png")
    with pytest.raises(style.MissingGlyphError):
        style.add_source(fig, "test")


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_rendering_is_deterministic(fmt):
    first = style.render(_figure("Kunashiri/Kunashir 国後島"), fmt)
    second = style.render(_figure("Kunashiri/Kunashir 国後島"), fmt)
    assert first == second
    if fmt == "svg":
        assert b"<dc:date>" not in first


def test_palette_is_okabe_ito():
    assert set(style.PALETTE) == set(style.OKABE_ITO.values())
