"""The law of the straits: which passage regime a strait gets from its width and its shores' holders.

The rules are those of the UN Convention on the Law of the Sea (data/sea_law.csv quotes or summarises
each article):

* a coastal state's territorial sea is at most 12 nautical miles wide (Art. 3); Japan keeps 3 nm in
  its five "specified straits" (data/specified_straits.csv);
* **the width rule**: if a strait is narrower than the two shores' belts together (24 nm when both
  claim 12), the belts meet and close it; if it is wider, a high-seas or EEZ corridor stays open in
  the middle, and Part III does not apply to it (Art. 36): ships and aircraft there have the freedoms
  of navigation and overflight, and a submarine may stay submerged;
* a closed strait used for international navigation between two parts of the high seas or EEZ is
  under **transit passage** (Arts. 37-38): it may not be suspended (Art. 44), and ships pass in
  their normal mode, submarines submerged;
* the exceptions get **non-suspendable innocent passage** (Art. 45): a strait formed by a state's
  island and its mainland with an equally convenient route seaward (Art. 38(1)), or one leading
  only into a foreign state's territorial sea;
* a closed strait *not* used for international navigation is territorial sea like any other:
  **innocent passage** (Arts. 17-19), which the coastal state may suspend for its security
  (Art. 25(3)), with submarines on the surface showing their flag (Art. 20).

Whether a strait is "used for international navigation" is a question of fact the book's sources do
not settle for the Kuril straits; the functions take it as an argument and the chapter states the
assumption. Everything here is arithmetic on widths and on the holders the scenarios give; no
boundary is drawn and no delimitation is implied.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from shapely.geometry.base import BaseGeometry

NM_KM = 1.852
TERRITORIAL_SEA_NM = 12.0

TRANSIT = "transit passage"
INNOCENT_NON_SUSPENDABLE = "innocent passage, not suspendable"
INNOCENT = "innocent passage"
CORRIDOR = "high-seas/EEZ corridor"

#: What each regime means for a submarine, in a few words (the page's table shows it).
SUBMARINES = {
    TRANSIT: "may pass submerged (normal mode)",
    INNOCENT_NON_SUSPENDABLE: "must surface and show its flag",
    INNOCENT: "must surface and show its flag; passage may be suspended",
    CORRIDOR: "may stay submerged in the corridor",
}
#: The articles behind each regime.
ARTICLES = {
    TRANSIT: "Arts. 37-38, 44",
    INNOCENT_NON_SUSPENDABLE: "Arts. 38(1), 45",
    INNOCENT: "Arts. 17-20, 25(3)",
    CORRIDOR: "Art. 36",
}


def km_to_nm(km: float) -> float:
    """Kilometres to nautical miles (1 nm = 1.852 km exactly)."""
    return float(km) / NM_KM


@dataclass(frozen=True)
class Passage:
    """The outcome for one strait: shores, whether the belts close it, the corridor left, the regime."""

    width_nm: float
    holders: tuple[str, str]
    belts_nm: tuple[float, float]
    closed: bool
    corridor_nm: float
    regime: str

    @property
    def one_state(self) -> bool:
        return self.holders[0] == self.holders[1]

    @property
    def submarines(self) -> str:
        return SUBMARINES[self.regime]


def belts_close(width_nm: float, belt_a_nm: float = TERRITORIAL_SEA_NM, belt_b_nm: float = TERRITORIAL_SEA_NM) -> bool:
    """True when the two shores' territorial seas together span the strait (width < belt a + belt b)."""
    if width_nm <= 0:
        raise ValueError("a strait's width must be positive")
    for belt in (belt_a_nm, belt_b_nm):
        if not 0 <= belt <= TERRITORIAL_SEA_NM:
            raise ValueError(f"a territorial sea is 0 to 12 nm wide (UNCLOS Art. 3), not {belt}")
    return width_nm < belt_a_nm + belt_b_nm


def passage(width_nm: float, holder_a: str, holder_b: str, *, belt_a_nm: float = TERRITORIAL_SEA_NM,
            belt_b_nm: float = TERRITORIAL_SEA_NM, international: bool = True, island_mainland: bool = False,
            dead_end: bool = False) -> Passage:
    """The passage regime of a strait of ``width_nm`` whose shores are held by ``holder_a``/``holder_b``.

    ``international``: the strait is used for international navigation between two parts of the high
    seas or EEZ (Art. 37). ``island_mainland``: it is formed by an island of a bordering state and that
    state's mainland, with an equally convenient route seaward (Art. 38(1)). ``dead_end``: it leads only
    into a foreign state's territorial sea (Art. 45(1)(b)).
    """
    closed = belts_close(width_nm, belt_a_nm, belt_b_nm)
    corridor = max(0.0, width_nm - belt_a_nm - belt_b_nm)
    if not closed:
        regime = CORRIDOR
    elif not international:
        regime = INNOCENT
    elif island_mainland and holder_a == holder_b or dead_end:
        regime = INNOCENT_NON_SUSPENDABLE
    else:
        regime = TRANSIT
    return Passage(float(width_nm), (holder_a, holder_b), (float(belt_a_nm), float(belt_b_nm)), closed, corridor, regime)


def passage_between(shore_a: BaseGeometry, shore_b: BaseGeometry, holder_a: str, holder_b: str, **kwargs) -> Passage:
    """As :func:`passage`, measuring the width as the shortest distance between two shores in km.

    The shores must be in a plane whose unit is the kilometre (e.g. kurils.scenarios.to_local).
    """
    width_km = shore_a.distance(shore_b)
    return passage(km_to_nm(width_km), holder_a, holder_b, **kwargs)


def belts_meet(shore_a: BaseGeometry, shore_b: BaseGeometry, belt_a_nm: float = TERRITORIAL_SEA_NM,
               belt_b_nm: float = TERRITORIAL_SEA_NM) -> bool:
    """Geometric form of the width rule: do the two buffered shores (km plane) touch or overlap?"""
    return shore_a.buffer(belt_a_nm * NM_KM).intersects(shore_b.buffer(belt_b_nm * NM_KM))


# --------------------------------------------------------------------------------------------------
# Every strait under every settlement option
# --------------------------------------------------------------------------------------------------

HOLDER_NAMES = {"JP": "Japan", "RU": "Russia"}


def shores_text(holders: tuple[str, str]) -> str:
    """The holders of a strait's two shores in words: 'one state (Russia)' or 'two states (Japan, Russia)'."""
    a, b = (HOLDER_NAMES[h] for h in holders)
    return f"one state ({a})" if a == b else f"two states ({a}, {b})"


def option_holders(summary: pd.DataFrame, scenarios: pd.DataFrame, land: dict | None = None) -> dict[str, pd.DataFrame]:
    """Holder of each strait's two shores under every option of data/scenarios.csv.

    Reuses kurils.okhotsk.holders for whole islands and, for the equal split, the divided
    Etorofu/Iturup of kurils.scenarios (its ``_divide`` on ``land``, i.e. kurils.scenarios.island_land;
    the shore takes the holder of the part nearest the strait). An equal-split option without
    ``land`` raises ValueError. Returns {option id: DataFrame(index strait, columns holder_a, holder_b)}.
    """
    from kurils import okhotsk, scenarios as sc

    out = {}
    for row in scenarios.itertuples():
        to_japan = sc.split_ids(row.islands_to_japan)
        held = okhotsk.holders(to_japan)
        parts = None
        if bool(row.equal_split):
            if land is None:
                raise ValueError(f"option {row.id!r} divides Etorofu/Iturup: pass land=kurils.scenarios.island_land(...)")
            parts = sc._divide(list(to_japan), land, True)[3]
        recs = {}
        for strait, r in summary.iterrows():
            pair = []
            for side in (r["side_a"], r["side_b"]):
                holder = held[side]
                if parts is not None and side == "etorofu" and pd.notna(r["lat"]):
                    holder = "JP" if sc._part_of((float(r["lon"]), float(r["lat"])), parts) == 0 else "RU"
                pair.append(holder)
            recs[strait] = {"holder_a": pair[0], "holder_b": pair[1]}
        out[row.id] = pd.DataFrame.from_dict(recs, orient="index")
    return out


def regime_table(summary: pd.DataFrame, scenarios: pd.DataFrame, land: dict | None = None, *,
                 japan_belt_nm: float = TERRITORIAL_SEA_NM, straits: list[str] | None = None) -> pd.DataFrame:
    """Long table: one row per strait x option with width, shores, closed, corridor and regime.

    Width is the strait's primary sourced width (kurils.okhotsk.strait_summary). ``japan_belt_nm``
    sets the belt of a Japanese shore (12, or 3 as in Japan's specified straits). Straits without a
    sourced width are left out (the page lists them).
    """
    holders = option_holders(summary, scenarios, land)
    rows = []
    names = straits if straits is not None else list(summary.index)
    for option in scenarios["id"]:
        for strait in names:
            width_km = summary.at[strait, "width_km"]
            if pd.isna(width_km):
                continue
            a, b = holders[option].loc[strait, ["holder_a", "holder_b"]]
            belt = lambda h: japan_belt_nm if h == "JP" else TERRITORIAL_SEA_NM  # noqa: E731
            p = passage(km_to_nm(width_km), a, b, belt_a_nm=belt(a), belt_b_nm=belt(b))
            rows.append({"strait": strait, "option": option, "width_km": float(width_km), "width_nm": p.width_nm,
                         "holder_a": a, "holder_b": b, "shores": shores_text(p.holders), "closed": p.closed,
                         "corridor_nm": p.corridor_nm, "regime": p.regime, "submarines": p.submarines})
    return pd.DataFrame(rows)


def changes(table: pd.DataFrame, baseline: str = "status_quo") -> pd.DataFrame:
    """Rows of ``regime_table`` whose shores or regime differ from the baseline option's."""
    base = table[table["option"] == baseline].set_index("strait")
    other = table[table["option"] != baseline]
    keep = [(r.shores != base.at[r.strait, "shores"]) or (r.regime != base.at[r.strait, "regime"]) for r in other.itertuples()]
    return other[keep]


def key_numbers(table: pd.DataFrame, baseline: str = "status_quo") -> dict:
    """Counts the page quotes: straits measured, closed by 12-nm belts, open with a corridor, changed by options."""
    base = table[table["option"] == baseline]
    changed = changes(table, baseline)
    return {
        "n_straits_measured": int(base["strait"].nunique()),
        "n_closed": int(base["closed"].sum()),
        "n_corridor": int((~base["closed"]).sum()),
        "n_transit": int((base["regime"] == TRANSIT).sum()),
        "n_changed_shores": int(changed["strait"].nunique()),
        "n_regime_changes": int((changed["regime"] != changed["strait"].map(base.set_index("strait")["regime"])).sum()),
        "limit_nm": 2 * TERRITORIAL_SEA_NM,
        "limit_km": 2 * TERRITORIAL_SEA_NM * NM_KM,
    }


#: The tables :func:`regimes` and :func:`page_numbers` read.
TABLES = ["straits", "scenarios", "islands", "specified_straits"]


def regimes(tables: dict[str, pd.DataFrame], japan_belt_nm: float = TERRITORIAL_SEA_NM) -> pd.DataFrame:
    """:func:`regime_table` for every strait and settlement option, from the loaded tables (``straits``,
    ``scenarios``, ``islands``); ``japan_belt_nm`` as in :func:`regime_table`."""
    from kurils import okhotsk, scenarios as sc

    return regime_table(okhotsk.strait_summary(tables["straits"]), tables["scenarios"],
                        sc.island_land(tables["islands"]), japan_belt_nm=japan_belt_nm)


def page_numbers(tables: dict[str, pd.DataFrame]) -> dict:
    """Everything the legal chapter's law-of-the-sea section glues, by glue name (all prefixed ``sea_``):
    :func:`key_numbers` of the 12-nm table, the straits a 3-nm Japanese belt opens, Japan's specified
    straits and their belts, and the straits left with a corridor today."""
    from kurils import okhotsk

    regimes_12, regimes_3 = regimes(tables), regimes(tables, japan_belt_nm=3)
    spec = tables["specified_straits"]
    corr = regimes_12[regimes_12["option"] == "status_quo"].query("regime == @CORRIDOR")["strait"]
    return {
        **{f"sea_{name}": value for name, value in key_numbers(regimes_12).items()},
        "sea_n_opened_by_3nm": int(changes(regimes_3).query("regime == @CORRIDOR")["strait"].nunique()),
        "sea_n_specified": len(spec),
        "sea_specified_nm": spec["territorial_sea_nm"].max(),
        "sea_general_nm": spec["general_territorial_sea_nm"].max(),
        "sea_corridor_straits": okhotsk.join_and(okhotsk.STRAIT_LABELS[s] for s in corr),
    }

REGIME_SHORT = {TRANSIT: "transit", INNOCENT_NON_SUSPENDABLE: "innocent (no suspension)", INNOCENT: "innocent",
                CORRIDOR: "corridor"}


def cell_text(row) -> str:
    """One cell of the wide table: shores' holders, regime, and the corridor's width where one is left."""
    holders = "Russia" if row["holder_a"] == row["holder_b"] == "RU" else (
        "Japan" if row["holder_a"] == row["holder_b"] == "JP" else "Japan | Russia")
    regime = REGIME_SHORT[row["regime"]]
    if row["regime"] == CORRIDOR:
        regime += f" {row['corridor_nm']:.1f} nm"
    return f"{holders}: {regime}"


def wide_table(table: pd.DataFrame, scenarios: pd.DataFrame, labels: dict[str, str] | None = None,
               only_changed: bool = False, japanese_shore: bool = False) -> pd.DataFrame:
    """Straits (rows, with width in km and nm) x options (columns): holders and regime in each cell.

    ``only_changed`` keeps straits whose cell differs between options; ``japanese_shore`` keeps straits
    with a Japanese shore under at least one option.
    """
    t = table.copy()
    if japanese_shore:
        jp = t.loc[(t["holder_a"] == "JP") | (t["holder_b"] == "JP"), "strait"].unique()
        t = t[t["strait"].isin(jp)]
    t["cell"] = [cell_text(r) for _, r in t.iterrows()]
    wide = t.pivot(index="strait", columns="option", values="cell")
    order = [s for s in dict.fromkeys(t["strait"]) if s in wide.index]
    wide = wide.loc[order, list(scenarios["id"])]
    if only_changed:
        wide = wide[wide.nunique(axis=1) > 1]
    widths = t.drop_duplicates("strait").set_index("strait")
    names = scenarios.set_index("id")["name"]
    out = pd.DataFrame({
        "Strait": [(labels or {}).get(s, s) for s in wide.index],
        "Width, km (nm)": [f"{widths.at[s, 'width_km']:.1f} ({widths.at[s, 'width_nm']:.1f})" for s in wide.index],
    })
    for option in wide.columns:
        out[names[option]] = wide[option].to_list()
    return out


def articles_table(law: pd.DataFrame) -> pd.DataFrame:
    """The page's table of data/sea_law.csv: article and heading, the excerpt (or a summary), a short source link."""
    import re

    from kurils.text import link

    def short(title: str) -> str:
        m = re.search(r"p\. 1340-\((\d+)\)", title)
        if m:
            return f"Portuguese parliament gazette, p. {m.group(1)}"
        inner = re.search(r"\(([^()]*)\)\s*$", title)
        return inner.group(1) if inner else title.split(",")[0]

    return pd.DataFrame({
        "Article": [f"{a} — {h}" for a, h in zip(law["article"], law["heading"])],
        "Text": [f"“{e}” ({lang})" if isinstance(e, str) and e else f"Summary: {s}"
                 for e, lang, s in zip(law["excerpt"], law["excerpt_language"], law["summary"])],
        "Source": [link(u, short(t)) for t, u in zip(law["source_title"], law["source_url"])],
    })
