"""Tables and measurements for the "islands at a glance" chapter.

Official figures come from ``island_facts.csv`` (Japan's Ministry of Foreign Affairs table of the
2020 area survey and the 1945 population); computed areas are geodesic areas of the committed
Natural Earth 1:10m land polygons that contain each island's position.
"""

from __future__ import annotations

import pandas as pd

from kurils import geo

#: The four islands in the order Japan's government lists them (south-west to north-east).
FOUR = ["habomai", "shikotan", "kunashiri", "etorofu"]
MOFA_HOST = "mofa.go.jp"


def official(facts: pd.DataFrame, metric: str, *, host: str = MOFA_HOST) -> pd.Series:
    """One official value per island for a metric, from the source on ``host`` (MOFA by default)."""
    rows = facts[(facts["metric"] == metric) & facts["source_url"].str.contains(host, regex=False)]
    if rows["island_id"].duplicated().any():
        raise ValueError(f"more than one {metric} per island from {host}")
    return rows.set_index("island_id")["value"].astype(float)


def names_table(islands: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """The four islands with their names in three languages, official area, 1945 and recent population."""
    four = islands.set_index("id").loc[FOUR]
    recent = facts[facts["metric"] == "population"].set_index("island_id")
    table = pd.DataFrame({
        "Island": four["name_en"],
        "Japanese": four["name_ja"] + " (" + four["name_ja_romaji"] + ")",
        "Russian": four["name_ru"] + " (" + four["name_ru_latin"] + ")",
        "Area, km² (Japan, 2020 survey)": official(facts, "area_km2").reindex(FOUR),
        "Japanese residents, 15 Aug 1945": official(facts, "population_1945").reindex(FOUR),
        "Residents, about Jan 2018": recent["value"].reindex(FOUR).astype(float),
    })
    return table.reset_index(drop=True)


def matched_polygons(islands: pd.DataFrame, *, max_km: float = 5.0) -> dict:
    """Natural Earth land polygon of each island or islet with a position (None when absent).

    When two positions fall nearest to the same polygon, only the closer one (containment first)
    keeps it, so no land is counted twice.
    """
    matches = {}
    for row in islands.dropna(subset=["lat", "lon"]).itertuples():
        if row.kind == "island_group":
            continue  # a group is measured through its islets
        matches[row.id] = geo.nearest_polygon(float(row.lon), float(row.lat), max_km=max_km)
    owner: dict[int, tuple[str, float]] = {}
    for island_id, (poly, km) in matches.items():
        if poly is not None and (id(poly) not in owner or km < owner[id(poly)][1]):
            owner[id(poly)] = (island_id, km)
    return {i: (p if p is not None and owner[id(p)][0] == i else None) for i, (p, _) in matches.items()}


def computed_areas(islands: pd.DataFrame, *, max_km: float = 5.0) -> pd.DataFrame:
    """Geodesic area of the Natural Earth polygon at each island's or islet's position.

    Islands whose position matches no polygon (islets too small for the 1:10m scale) get NaN.
    A Habomai row sums its islets.
    """
    parents = islands.set_index("id")["parent"]
    records = [{"island_id": i, "parent": parents[i],
                "computed_km2": geo.geodesic_area_km2(p) if p is not None else float("nan"),
                "in_natural_earth": p is not None}
               for i, p in matched_polygons(islands, max_km=max_km).items()]
    frame = pd.DataFrame.from_records(records)
    islets = frame[frame["parent"] == "habomai"]
    group = {"island_id": "habomai", "parent": "northern_territories",
             "computed_km2": islets["computed_km2"].sum(min_count=1), "in_natural_earth": bool(islets["in_natural_earth"].any())}
    return pd.concat([frame, pd.DataFrame([group])], ignore_index=True)


def area_comparison(islands: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Official (all land, and main islands only) versus computed area for the four islands and the total."""
    computed = computed_areas(islands).set_index("island_id")["computed_km2"]
    names = islands.set_index("id")["name_en"]
    out = pd.DataFrame({
        "official_km2": official(facts, "area_km2").reindex(FOUR),
        "official_main_km2": official(facts, "area_main_islands_km2").reindex(FOUR),
        "computed_km2": computed.reindex(FOUR),
    })
    total = pd.DataFrame({
        "official_km2": [official(facts, "area_km2")["northern_territories"]],
        "official_main_km2": [official(facts, "area_main_islands_km2")["northern_territories"]],
        "computed_km2": [out["computed_km2"].sum()],
    }, index=["northern_territories"])
    out = pd.concat([out, total])
    out["difference_pct"] = 100 * (out["computed_km2"] - out["official_main_km2"]) / out["official_main_km2"]
    out.insert(0, "island", [names.get(i, "All four") if i != "northern_territories" else "All four" for i in out.index])
    return out


def area_chart(comparison: pd.DataFrame):
    """Horizontal paired bars: official (main islands) and computed area for the four islands."""
    import matplotlib.pyplot as plt
    import numpy as np

    from kurils import style

    rows = comparison.loc[FOUR]  # largest island on top, leaving the lower right free for the legend
    y = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(8.0, 3.8))
    bars = [("official_main_km2", "Official (Japan, 2020 survey, main islands)", style.OKABE_ITO["blue"], 0.2),
            ("computed_km2", "Computed from Natural Earth 1:10m", style.OKABE_ITO["orange"], -0.2)]
    for col, name, colour, shift in bars:
        ax.barh(y + shift, rows[col], height=0.38, color=colour, label=name)
        for yi, value in zip(y + shift, rows[col]):
            ax.text(value + 25, yi, f"{value:,.0f}", va="center", fontsize=8.5, color=style.INK)
    ax.set_yticks(y, rows["island"])
    ax.set_xlabel("Area (km²)")
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.set_xlim(0, rows[["official_main_km2", "computed_km2"]].to_numpy().max() * 1.15)
    ax.legend(loc="lower right")
    ax.set_title("Official and computed island areas")
    return fig


#: Bases for the areas of the four islands: Japan's 2020 survey (all land, or the main islands only) and
#: the geodesic areas of the Natural Earth 1:10m polygons that the maps and the scenarios chapter use.
AREA_BASES = {"computed": None, "official": "area_km2", "official_main": "area_main_islands_km2"}
TOTAL = "northern_territories"


def areas_by_basis(islands_table: pd.DataFrame, facts: pd.DataFrame, *, basis: str = "computed") -> pd.Series:
    """Area of each of the four islands and of all four (index :data:`FOUR` + ``northern_territories``), km².

    ``basis`` is one of :data:`AREA_BASES`: ``"computed"`` (geodesic areas of the Natural Earth polygons;
    the total is the sum of the four), ``"official"`` (MOFA, 2020 survey, all land; the total is the one
    MOFA states, which differs from the sum of the rounded parts by rounding) or ``"official_main"``.
    """
    if basis not in AREA_BASES:
        raise ValueError(f"unknown area basis {basis!r}; choose one of {', '.join(AREA_BASES)}")
    if basis == "computed":
        parts = computed_areas(islands_table).set_index("island_id")["computed_km2"].reindex(FOUR)
        return pd.concat([parts, pd.Series({TOTAL: parts.sum()})]).astype(float)
    return official(facts, AREA_BASES[basis]).reindex(FOUR + [TOTAL]).astype(float)


def equal_split(islands_table: pd.DataFrame, facts: pd.DataFrame, *, basis: str = "computed") -> pd.DataFrame:
    """The 50/50 split of the land on one area basis, as one row indexed by the basis.

    The arithmetic of :func:`kurils.legal.equal_split`: half the total, the area of Habomai, Shikotan and
    Kunashiri/Kunashir (kept whole on Japan's side), and the part of Etorofu/Iturup that brings Japan's side
    to half, in km² and as a share of Etorofu/Iturup. The scenarios chapter draws its cut on the
    ``"computed"`` basis (the Natural Earth polygons); ``"official"`` uses Japan's surveyed areas.
    """
    from kurils import legal

    area = areas_by_basis(islands_table, facts, basis=basis)
    split = legal.equal_split(area)
    row = {"total_km2": area[TOTAL], "half_km2": split["half_km2"], "kept_whole_km2": split["whole_km2"],
           "etorofu_km2": area["etorofu"], "etorofu_part_km2": split["part_km2"],
           "etorofu_part_pct": split["part_share_pct"]}
    return pd.DataFrame([row], index=pd.Index([basis], name="basis"))


#: region_facts: the subject and metric of the sourced totals for the whole Kuril chain's land area.
CHAIN = ("Kuril Islands", "land_area")


def chain_totals(region_facts: pd.DataFrame) -> pd.DataFrame:
    """Every sourced land area of the whole Kuril chain (region_facts rows), by row id, smallest first."""
    rows = chain_rows(region_facts)
    if rows.empty:
        raise LookupError("no sourced land area of the whole Kuril chain in region_facts")
    out = rows.set_index("id")[["value", "source_title", "source_kind"]].rename(columns={"value": "chain_km2"})
    return out.sort_values("chain_km2")


def chain_rows(region_facts: pd.DataFrame) -> pd.DataFrame:
    """The region_facts rows behind :func:`chain_totals`, all columns (for the page's list of sources)."""
    return region_facts[(region_facts["subject"] == CHAIN[0]) & (region_facts["metric"] == CHAIN[1])]


def chain_share(facts: pd.DataFrame, region_facts: pd.DataFrame, *, total: str = "kuril_land_area") -> pd.DataFrame:
    """Each island's and the four islands' official area (MOFA) as a share of the whole chain's land.

    ``total`` is the id of a :func:`chain_totals` row: sources disagree on the chain's area, so the
    share depends on which total is used.
    """
    totals = chain_totals(region_facts)
    if total not in totals.index:
        raise KeyError(f"no chain total {total!r}; choose one of {', '.join(totals.index)}")
    chain = float(totals.at[total, "chain_km2"])
    area = official(facts, "area_km2").reindex(FOUR + [TOTAL]).astype(float)
    return pd.DataFrame({"area_km2": area, "chain_km2": chain, "share_of_chain_pct": 100 * area / chain})


#: The tables the chapter loads (``key_numbers`` reads them from a dict by these names).
TABLES = ["islands", "island_facts", "region_facts"]


def key_numbers(t: dict[str, pd.DataFrame]) -> dict:
    """Every number and phrase the chapter's prose glues, by glue name (for ``text.glue_all``).

    Official areas and 1945 residents (MOFA), each island's share of the total area, the areas computed
    from Natural Earth and their difference from the official main-island figures, the latest resident
    count with its month.
    """
    from kurils import text

    isl, facts = t["islands"], t["island_facts"]
    area = official(facts, "area_km2")
    pop45 = official(facts, "population_1945")
    cmp = area_comparison(isl, facts)
    computed = computed_areas(isl).set_index("island_id")
    recent = facts[facts["metric"] == "population"].set_index("island_id")
    total = area["northern_territories"]
    k: dict = {"current_to": text.data_current_to(isl, facts), "area_total": total, "area_sum": area[FOUR].sum()}
    for island_id in FOUR:
        k[f"area_{island_id}"] = area[island_id]
        k[f"share_{island_id}"] = 100 * area[island_id] / total
        k[f"pop45_{island_id}"] = pop45[island_id]
        k[f"computed_{island_id}"] = computed.at[island_id, "computed_km2"]
        k[f"diff_{island_id}"] = abs(cmp.at[island_id, "difference_pct"])
    missing = isl.set_index("id").loc[computed.index[~computed["in_natural_earth"]], "name_en"]
    enc = facts[(facts["basis"] == "encyclopaedia") & (facts["island_id"] == "etorofu")]
    k.update({
        "share_two": 100 * (area["habomai"] + area["shikotan"]) / total,
        "pop45_total": pop45["northern_territories"],
        "recent_total": recent.at["northern_territories", "value"],
        "recent_as_of": text.fmt_date(recent.at["northern_territories", "as_of"], "month"),
        "computed_total": cmp.at["northern_territories", "computed_km2"],
        "main_total": cmp.at["northern_territories", "official_main_km2"],
        "diff_total": abs(cmp.at["northern_territories", "difference_pct"]),
        "missing_islets": ", ".join(missing) if len(missing) else "none",
        "enc_etorofu": enc["value"].iloc[0],
    })
    # the exercises: the equal split on two bases, and the four islands' share of the chain on each total
    for basis in ("computed", "official"):
        split = equal_split(isl, facts, basis=basis).iloc[0]
        k[f"split_{basis}_half"] = split["half_km2"]
        k[f"split_{basis}_part_pct"] = split["etorofu_part_pct"]
    totals = chain_totals(t["region_facts"])
    shares = {rid: chain_share(facts, t["region_facts"], total=rid).at[TOTAL, "share_of_chain_pct"] for rid in totals.index}
    k.update({"n_chain_totals": len(totals), "chain_low_km2": totals["chain_km2"].min(),
              "chain_high_km2": totals["chain_km2"].max(), "chain_share_low": min(shares.values()),
              "chain_share_high": max(shares.values())})
    return k
