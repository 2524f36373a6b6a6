"""The legal chapter's tables and helpers, on the real data: rules that a bad row would break."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jupytext
import pandas as pd
import pytest

from kurils import course, data, islands, legal, style

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "book" / "legal.md"
TABLES = ["legal_instruments", "legal_effects", "legal_positions", "penalties", "precedents"]


@pytest.fixture(scope="module")
def t() -> dict[str, pd.DataFrame]:
    return {name: data.load(name) for name in TABLES}


def test_legal_tables_validate(t):
    assert len(t["legal_instruments"]) >= 15
    assert len(t["penalties"]) >= 10
    assert len(t["precedents"]) >= 4
    assert len(t["legal_positions"]) >= 20


def test_every_referenced_instrument_exists(t):
    ids = set(t["legal_instruments"]["id"])
    for name in ["penalties", "legal_effects", "legal_positions"]:
        refs = set(t[name]["instrument_id"].dropna())
        assert refs <= ids, f"{name}: unknown instruments {sorted(refs - ids)}"
    assert set(legal.MATRIX_INSTRUMENTS) <= ids


def test_signed_is_not_after_in_force(t):
    for name in ["legal_instruments", "precedents"]:
        frame = t[name].dropna(subset=["date_signed", "date_in_force"])
        late = frame[frame["date_signed"] > frame["date_in_force"]]
        assert late.empty, f"{name}: signed after entry into force: {late['id'].tolist()}"


def test_penalty_ranges_are_ordered_and_units_fit_the_kind(t):
    pen = t["penalties"]
    both = pen.dropna(subset=["min_value"])
    assert (both["min_value"] <= both["max_value"]).all(), both.loc[both["min_value"] > both["max_value"], "id"].tolist()
    assert (pen.loc[pen["penalty_kind"] == "fine", "unit"] == "RUB").all()
    assert (pen.loc[pen["penalty_kind"] == "compulsory_works", "unit"] == "hours").all()
    other = pen[~pen["penalty_kind"].isin(["fine", "compulsory_works"])]
    assert (other["unit"] == "years").all()


def test_art280_1_wordings_are_kept_apart(t):
    # issue 13, item 6: the 2014 text of Law 433-FZ carried lighter sanctions than the wording of Law 274-FZ
    # (July 2014), and rows must not mix the two
    pen = t["penalties"]
    for wording, law in [("2014_433fz", "433-FZ"), ("2014_274fz_to_2020", "274-FZ")]:
        rows = pen[pen["wording"] == wording]
        assert not rows.empty and rows["condition"].str.contains(law).all(), wording
    part1 = pen[(pen["instrument_id"] == "ru_criminal_code_art280_1") & (pen["part"].isna() | (pen["part"] == 1))]
    pick = part1.set_index(["wording", "penalty_kind"])
    assert pick.at[("2014_433fz", "imprisonment"), "max_value"] < pick.at[("2014_274fz_to_2020", "imprisonment"), "max_value"]
    assert pick.at[("2014_274fz_to_2020", "imprisonment"), "max_value"] == pick.at[("as_amended_2020", "imprisonment"), "max_value"]
    assert pd.isna(pick.at[("2014_433fz", "fine"), "min_value"]) and pick.at[("2014_274fz_to_2020", "fine"), "min_value"] > 0
    assert pick.at[("2014_274fz_to_2020", "fine"), "min_value"] < pick.at[("as_amended_2020", "fine"), "min_value"]
    assert pick.at[("2014_433fz", "compulsory_works"), "unit"] == "hours"


def test_art280_1_history_table(t):
    table = legal.art280_1_history(t["penalties"])
    assert list(table["Wording"]) == list(legal.WORDINGS_280_1.values())
    assert table.iloc[0]["Prison"] == "up to 3 years" and table.iloc[1]["Prison"] == "up to 4 years"
    assert table.iloc[0]["Compulsory works"] == "up to 300 hours"
    assert table.iloc[1]["Fine"] == "100,000–300,000 roubles"
    with pytest.raises(ValueError):
        legal.art280_1_history(t["penalties"][t["penalties"]["wording"] != "2014_433fz"])


def test_penalties_escalate_from_calls_to_acts(t):
    # the chapter's argument rests on this order: fines for a first call, prison only for a repeat, the
    # longest terms for the act itself
    cur = legal.current_penalties(t["penalties"])
    first = cur[cur["stage"] == "first_call"]
    assert (first["penalty_kind"] == "fine").all() and len(first) == 6
    prison = cur[cur["penalty_kind"] == "imprisonment"].set_index("stage")["max_value"]
    act_min = cur[(cur["stage"] == "act") & (cur["penalty_kind"] == "imprisonment")]["min_value"].iloc[0]
    assert prison["repeat_call"] < act_min <= prison["act"]
    # media/internet calls cost at least as much as other calls, for each kind of offender
    fines = first.set_index(["subject", "channel"])
    for subject in ["citizen", "official", "legal_entity"]:
        assert fines.at[(subject, "media_internet"), "min_value"] >= fines.at[(subject, "general"), "min_value"]


def test_penalties_in_another_wording(t):
    pen = t["penalties"]
    # the default keeps the chapter's chart rows
    assert legal.current_penalties(pen).equals(legal.current_penalties(pen, wording="as_amended_2020"))
    before = legal.current_penalties(pen, wording="2014_274fz_to_2020", kinds=None)
    # before December 2020 every call was a crime: no administrative stage, no separate act of alienation
    assert set(before["stage"]) == {"call"} and set(before["instrument_id"]) == {"ru_criminal_code_art280_1"}
    assert {"fine", "imprisonment", "deprivation_of_right"} <= set(before["penalty_kind"])
    with pytest.raises(ValueError, match="wording"):
        legal.current_penalties(pen, wording="2030")


def test_sanctions_table_reads_each_row(t):
    pen = t["penalties"]
    now = legal.sanctions_table(pen)
    assert len(now) == len(legal.current_penalties(pen))
    assert now["Offence"].notna().all() and now["Who"].notna().all()
    assert "6–10 years" in set(now["Range"]) and "up to 4 years" in set(now["Range"])
    old = legal.sanctions_table(pen, wording="2014_433fz", kinds=("compulsory_works",))
    assert old["Range"].tolist() == ["up to 300 hours"]


def test_instruments_at_a_date(t):
    inst = t["legal_instruments"]
    at = legal.instruments_at(inst, "2019-12-31")
    col = "Standing on 31 December 2019"
    texts = dict(zip(at.index, at[col]))
    # nothing signed later is listed; the 2020 Russian texts are absent, Art. 280.1 (2014) is in force
    assert not any("(2020)" in text for text in texts)
    assert texts["Russian Criminal Code (2013), Art. 280.1"] == "in force"
    assert texts["Japan-Soviet Joint Declaration (1956), Art. 9 (para 9)"] == "in force"
    # between signature and entry into force
    mid = legal.instruments_at(inst, "2020-05-01").iloc[:, -1]
    assert (mid.filter(like="Constitution") == "signed, not yet in force").all() and len(mid.filter(like="Constitution"))
    # one row per provision, even where the table gives it in two languages
    everything = legal.instruments_at(inst, "2026-01-01")
    assert everything.index.is_unique and not everything.index.str.contains("English translation").any()
    assert len(legal.instruments_at(inst, "1900-01-01")) == 0


def test_precedent_areas_add_up_where_given(t):
    prec = t["precedents"]
    parts = prec.dropna(subset=["area_to_a_km2", "area_to_b_km2", "area_in_dispute_km2"])
    for row in parts.itertuples():
        assert row.area_to_a_km2 + row.area_to_b_km2 == pytest.approx(row.area_in_dispute_km2, rel=0.02, abs=2), row.id
    one_part = prec.dropna(subset=["area_to_a_km2", "area_in_dispute_km2"])
    assert (one_part["area_to_a_km2"] <= one_part["area_in_dispute_km2"]).all()
    # a reported "about half" must fit the figures where both are given
    halves = one_part[one_part["split_reported"] == "about_half"]
    assert ((halves["area_to_a_km2"] / halves["area_in_dispute_km2"]).between(0.4, 0.6)).all()


def test_disagreeing_sources_keep_their_own_rows(t):
    prec = t["precedents"]
    khabarovsk = prec[prec["instrument"].str.contains("2004") & (prec["scope"] == "section")]
    assert khabarovsk["source_url"].nunique() == len(khabarovsk) >= 2
    assert khabarovsk["area_in_dispute_km2"].nunique() >= 2


def test_effects_cover_the_matrix_and_cite_the_right_source(t):
    eff, inst, pos = t["legal_effects"], t["legal_instruments"], t["legal_positions"]
    matrix = legal.effects_matrix(eff)
    assert not matrix.isna().any().any(), "every instrument in the matrix needs a wording row for every option"
    inst_src = inst.set_index("id")["source_url"]
    wording = eff[eff["reading"] == "wording"]
    assert wording["position_id"].isna().all()
    assert (wording["source_url"] == wording["instrument_id"].map(inst_src)).all()
    readings = eff[eff["reading"] != "wording"]
    assert readings["position_id"].notna().all()
    pos_rows = pos.set_index("id")
    assert (readings["source_url"] == readings["position_id"].map(pos_rows["source_url"])).all()
    side = {"tokyo": "japan", "moscow": "russia", "commentator": "commentator"}
    assert (readings["reading"].map(side) == readings["position_id"].map(pos_rows["side"])).all()
    assert eff["note"].notna().all(), "every cell is explained"


def test_exception_is_in_the_constitution_and_in_280_2(t):
    inst = t["legal_instruments"].set_index("id")
    for key in ["ru_constitution_art67_2_1_ru", "ru_criminal_code_art280_2"]:
        assert "делимитации, демаркации, редемаркации" in inst.at[key, "excerpt"]


def test_quotes_are_short_and_attributed(t):
    pos = t["legal_positions"]
    quoted = pos[pos["excerpt"].notna()]
    assert quoted["speaker"].notna().all()
    for row in quoted.itertuples():
        words = len(row.excerpt.split()) if row.excerpt_language != "ja" else len(row.excerpt) / 2.5
        assert words <= 40, row.id
    assert {"japan", "russia"} <= set(pos["side"])


def test_flags_are_kept_in_notes(t):
    # rows read from copies of other outlets' pages say so (legal_effects cites these rows' sources)
    for name in ["legal_instruments", "legal_positions", "penalties", "precedents"]:
        frame = t[name]
        mirrors = frame[frame["source_url"].str.contains("ukrainetoday|thesaker|blogspot|jcgcw|staging", regex=True)]
        assert mirrors["note"].str.contains("repost|secondary", regex=True).all(), (name, mirrors.get("id"))


def test_one_title_per_source_url(t):
    rows = pd.concat([f[["source_url", "source_title"]] for f in t.values()]).drop_duplicates()
    dup = rows[rows["source_url"].duplicated(keep=False)]
    assert dup.empty, dup.to_string()


def test_equal_split_arithmetic():
    area = islands.official(data.load("island_facts"), "area_km2")
    split = legal.equal_split(area)
    assert split["half_km2"] == pytest.approx(area["northern_territories"] / 2)
    assert split["whole_km2"] + split["part_km2"] == pytest.approx(split["half_km2"])
    assert 0 < split["part_share_pct"] < 100
    with pytest.raises(ValueError):
        legal.equal_split(area, keep_whole=("habomai", "shikotan", "kunashiri", "etorofu"), cut="etorofu")


def test_other_readings_are_only_the_differing_ones(t):
    diff = legal.other_readings(t["legal_effects"])
    assert (diff["effect"] != diff["wording"]).all()
    assert {"tokyo", "moscow"} <= set(diff["reading"])


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_figures_render(t, fmt):
    area = islands.official(data.load("island_facts"), "area_km2")
    figures = [legal.matrix_figure(t["legal_effects"], t["legal_instruments"]),
               legal.penalties_chart(t["penalties"]),
               legal.precedents_chart(t["precedents"], ["cn_ru_2004_supplementary_total", "no_ru_2010_barents"],
                                      area["northern_territories"], "Four disputed islands")]
    for fig in figures:
        style.add_source(fig, "test")
        assert style.render(fig, fmt)


def _chapter_ids() -> set[str]:
    """String constants in the chapter's code cells and in kurils/legal.py (where key_numbers reads rows
    by id), except glue names, that look like table ids."""
    notebook = jupytext.read(CHAPTER)
    found: set[str] = set()
    sources = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    sources.append((ROOT / "src" / "kurils" / "legal.py").read_text(encoding="utf-8"))
    for source in sources:
        tree = ast.parse(source)
        glue_names = {id(node.args[0]) for node in ast.walk(tree)
                      if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                      and node.func.attr.startswith("glue_") and node.args}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in glue_names:
                if re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", node.value) and re.search(r"\d", node.value):
                    found.add(node.value)
    return found


def test_every_id_the_chapter_names_exists(t):
    known = set()
    for name in ["legal_instruments", "legal_positions", "penalties", "precedents"]:
        known |= set(t[name]["id"])
    families = {i.split("_")[0] for i in known}
    named = {s for s in _chapter_ids() if s.split("_")[0] in families}
    assert named, "the chapter should read rows by id"
    assert named <= known, f"ids in book/legal.md not in the data: {sorted(named - known)}"


def test_key_numbers_cover_every_glue_name_in_the_prose():
    from kurils import front

    page = CHAPTER.read_text(encoding="utf-8")
    assert 'text.glue_all(legal.key_numbers(t) | course.key_numbers("legal"))' in page
    cited = set(re.findall(r'glue_citations\(\s*"([a-z0-9_]+)"', page))
    k = legal.key_numbers({name: data.load(name) for name in legal.TABLES}) | course.key_numbers("legal")
    missing = front.glue_names(page) - cited - set(k)
    assert not missing, sorted(missing)


def test_key_numbers_values():
    tables = {name: data.load(name) for name in legal.TABLES}
    k = legal.key_numbers(tables)
    area = islands.official(tables["island_facts"], "area_km2")
    assert k["area_total"] == area["northern_territories"]
    assert 0 < k["share_two"] < 10, "Habomai and Shikotan are a small share of the land"
    assert k["decl1956_signed"] == "19 October 1956"
    for pid in legal.PENALTY_RANGES:
        low, high = k[f"{pid}_min"], k[f"{pid}_max"]
        assert pd.isna(low) or low <= high, pid
    assert k["kurils_vs_cn"] == pytest.approx(k["area_total"] / k["cn_ru_2004_supplementary_total_area"])
    assert k["sea_specified_nm"] == 3 and k["sea_general_nm"] == 12
    assert k["sea_n_closed"] + k["sea_n_corridor"] == k["sea_n_straits_measured"]
    assert k["current_to"].startswith("Sources read up to ")
