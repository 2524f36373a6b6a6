"""The house figure style: one look for every chart and map in the book.

* Okabe–Ito colours (distinguishable with the common forms of colour blindness).
* DejaVu Sans for Latin and Cyrillic with IPAexGothic (from the PyPI package matplotlib-fontja) as
  per-glyph fallback for kanji and kana, so three-language labels draw without empty boxes.
* Deterministic output: fixed SVG hash salt, no creation dates or software stamps in the files,
  so two builds write byte-identical figures.
* :func:`show` renders a figure once, fails loudly when a glyph is missing, and displays it as SVG
  (charts) or optimised PNG (dense maps).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # figures are rendered to bytes; no GUI, same output everywhere

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

#: Okabe & Ito (2008) colour-blind-safe palette, by name.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
#: Default cycle order: strong, mutually distinct colours first (yellow last: weak on white).
PALETTE = [OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green", "orange", "reddish_purple", "sky_blue", "black", "yellow")]
#: Fixed roles so that a party has the same colour in every chapter.
ROLE_COLOURS = {
    "japan": OKABE_ITO["vermillion"],
    "russia": OKABE_ITO["blue"],
    "usa": OKABE_ITO["bluish_green"],
    "china": OKABE_ITO["orange"],
    "disputed": OKABE_ITO["reddish_purple"],
    "neutral": "#7F7F7F",
}
LAND = "#EDEAE3"
SEA = "#FFFFFF"
INK = "#222222"
MUTED = "#595959"  # 7:1 contrast on white: passes WCAG AA for small text

SVG_HASH_SALT = "kurils-book"
FALLBACK_FAMILY = "IPAexGothic"
_applied = False


def cjk_font_path() -> Path:
    """Path of the bundled Japanese font (IPAexGothic, from matplotlib-fontja)."""
    import matplotlib_fontja

    path = Path(matplotlib_fontja.__file__).parent / "fonts" / "ipaexg.ttf"
    if not path.is_file():  # pragma: no cover - broken install
        raise FileNotFoundError(f"CJK font missing: {path}")
    return path


class _RegularOnlyFallbackFilter(logging.Filter):
    """Drop matplotlib's note that the CJK fallback font has no bold weight.

    IPAexGothic ships one weight; for bold labels matplotlib draws kanji in regular, which is the
    intended rendering. Only that exact message is dropped: any other font problem still reaches
    stderr and fails the build.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith("findfont: Failed to find font weight") and FALLBACK_FAMILY in message)


def apply() -> None:
    """Apply the house style to matplotlib's rcParams (idempotent)."""
    global _applied
    if _applied:
        return
    logging.getLogger("matplotlib.font_manager").addFilter(_RegularOnlyFallbackFilter())
    font_manager.fontManager.addfont(str(cjk_font_path()))
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01: fixed file metadata
    plt.rcParams.update({
        "font.family": ["DejaVu Sans", FALLBACK_FAMILY],
        "font.size": 10.5,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 10.5,
        "axes.labelcolor": INK,
        "axes.edgecolor": MUTED,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "grid.color": "#DDDDDD",
        "grid.linewidth": 0.6,
        "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
        "xtick.color": INK,
        "ytick.color": INK,
        "legend.frameon": False,
        "figure.dpi": 100,
        "figure.figsize": (8.0, 4.8),
        "savefig.bbox": "tight",
        "savefig.pad_inches": 0.15,
        "svg.fonttype": "path",
        "svg.hashsalt": SVG_HASH_SALT,
        "path.simplify": True,
        "image.composite_image": True,
    })
    _applied = True


def add_source(fig: plt.Figure, text: str, *, gap_pt: float = 6.0) -> None:
    """Write a source line just under everything drawn in the figure (axes, tick and axis labels).

    Placed from the drawn extent rather than a fixed position, so maps with a fixed aspect ratio do
    not get a large empty band between the map and its source line.
    """
    renderer = fig.canvas.get_renderer()
    with _glyphs_checked():  # measuring draws the text, so a missing glyph surfaces here first
        boxes = [ax.get_tightbbox(renderer) for ax in fig.axes if ax.get_visible()]
    bottom = min(b.y0 for b in boxes) / fig.bbox.height
    left = min(b.x0 for b in boxes) / fig.bbox.width
    gap = gap_pt * fig.dpi / 72 / fig.bbox.height
    fig.text(max(left, 0.0), bottom - gap, f"Source: {text}", ha="left", va="top", fontsize=8.5, color=MUTED,
             wrap=True)


def wrap_labels(labels, width: int) -> list[str]:
    """Wrap long tick labels onto several lines so a figure keeps its width (and its text size)."""
    import textwrap

    return [textwrap.fill(str(label), width) for label in labels]


#: Widest a figure may render: wider files are shrunk to the page column and their text with them.
MAX_WIDTH_IN = 8.6


class MissingGlyphError(RuntimeError):
    """A label used a character that no configured font can draw."""


@contextlib.contextmanager
def _glyphs_checked():
    """Turn matplotlib's missing-glyph warnings into MissingGlyphError; re-issue any other warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    if missing:
        raise MissingGlyphError("; ".join(sorted(set(missing))))
    for w in caught:  # anything else is re-issued so it fails the build visibly, not silently
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def render(fig: plt.Figure, fmt: str = "svg", *, dpi: int = 150) -> bytes:
    """Render a figure to bytes deterministically; raise MissingGlyphError on any missing glyph."""
    if fmt not in ("svg", "png"):
        raise ValueError(f"fmt must be 'svg' or 'png', not {fmt!r}")
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    kwargs = {"pil_kwargs": {"optimize": True}} if fmt == "png" else {}
    with _glyphs_checked():
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, **kwargs)
    return buffer.getvalue()


def show(fig: plt.Figure, fmt: str = "svg", *, dpi: int = 150) -> None:
    """Display a figure in the notebook as SVG (charts) or PNG (dense maps), then close it."""
    from IPython.display import SVG, Image, display

    data = render(fig, fmt, dpi=dpi)
    plt.close(fig)
    display(SVG(data=data) if fmt == "svg" else Image(data=data, format="png"))


apply()
