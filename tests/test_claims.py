"""The claims ledger: every claim present, every reference real, every number computed, every verdict earned."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from kurils import claims, course, data, style

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

#: The claims of the essay the issue asks the ledger to cover (ids in data/claims.csv).
REQUIRED = {
    "talks_dying": "peace-treaty talks are dying",
    "talks_for_economic_gain": "Russia talks mainly for economic gain",
    "constitution_bans_concession": "the 2020 amendment prohibits any territorial concession",
    "constitution_bars_negotiation": "the constitution denies any right to negotiate a handover",
    "ten_years_for_supporters": "supporters of ceding territory face up to ten years",
    "law_bans_public_calls": "the law prevents public calls about the islands",
    "joint_declaration_two_islands": "1956: the USSR promised Habomai and Shikotan",
    "two_islands_five_percent": "the two are about 5 % of the Kurils' area",
    "ussr_collapsed_1991": "the Soviet Union collapsed in 1991",
    "russia_became_democratic": "Russia became a democratic state",
    "putin_mine_yours": "what's mine is mine, what's yours is negotiable",
    "issue_emotional_symbolic": "for Tokyo the issue is mainly emotional and symbolic",
    "settlement_loosen_china_ties": "a settlement would loosen Russia's ties with China",
    "china_russia_joint_exercises": "Russia and China exercise jointly near Japan",
    "us_help_rapprochement": "Tokyo hoped the US would help a rapprochement against China",
    "ssbn_okhotsk_patrol": "SSBNs patrol the Sea of Okhotsk, the most reliable deterrent",
    "kunashir_iturup_control_access": "Kunashir and Iturup control access to the sea",
    "russia_fears_us_bases": "Russia fears US facilities on handed-over islands",
    "france_germany_economic": "France and Germany overcame their wars through economic development",
    "kishida_lull": "relations set for a lull under Kishida",
}


@pytest.fixture(scope="module")
def t() -> dict[str, pd.DataFrame]:
    return claims.load_tables()


@pytest.fixture(scope="module")
def values(t) -> dict:
    return claims.numbers(t)


@pytest.fixture(scope="module")
def index() -> claims.BookIndex:
    return claims.book_index()


def test_every_listed_claim_is_in_the_ledger(t):
    ids = set(t["claims"]["id"])
    missing = {k: v for k, v in REQUIRED.items() if k not in ids}
    assert not missing, missing


def test_kinds_and_verdicts_are_in_the_allowed_sets(t):
    ledger = t["claims"]
    assert set(ledger["kind"]) <= set(claims.KINDS)
    assert set(ledger["verdict"]) <= set(claims.VERDICTS)
    # the schema enforces the same sets, so a stray value fails at load time too
    fields = {f["name"]: f for f in data.resource_descriptor("claims")["schema"]["fields"]}
    assert set(fields["kind"]["constraints"]["enum"]) == set(claims.KINDS)
    assert set(fields["verdict"]["constraints"]["enum"]) == set(claims.VERDICTS)


def test_opinions_and_only_opinions_get_the_verdict_opinion(t):
    ledger = t["claims"]
    assert ((ledger["kind"] == "opinion") == (ledger["verdict"] == "opinion")).all()


def test_every_evidence_reference_resolves(t, index):
    assert claims.unresolved(t["claims"], t, index) == []
    refs = [r for e in t["claims"]["evidence"] for r in claims.parse_evidence(e)]
    assert {r.kind for r in refs} == {"table", "doc", "fig"}


def test_a_broken_reference_is_reported(t, index):
    ledger = t["claims"].copy()
    ledger.loc[0, "evidence"] = "penalties:no_such_row; doc:no_such_page; fig:fig-nowhere; no_table:x"
    found = claims.unresolved(ledger, t, index)
    assert len(found) == 4 and all(f.startswith(ledger.loc[0, "id"]) for f in found), found
    assert any("no matching row" in f for f in found) and any("no page" in f for f in found)
    assert any("no figure" in f for f in found) and any("no such table" in f for f in found)
    ledger.loc[0, "evidence"] = "nonsense"
    assert "not of the form" in claims.unresolved(ledger, t, index)[0]


def test_composite_keys_resolve_by_their_leading_fields(t):
    rows = claims.matching_rows(claims.parse_evidence("island_facts:habomai/area_km2")[0], t)
    assert set(rows["island_id"]) == {"habomai"} and set(rows["metric"]) == {"area_km2"}
    assert claims.matching_rows(claims.parse_evidence("island_facts:habomai/area_km2/x/y/z")[0], t).empty


def test_no_digits_are_typed_in_finding_templates(t):
    placeholder = re.compile(r"\{[^{}]*\}")
    for cid, template in zip(t["claims"]["id"], t["claims"]["finding"]):
        outside = placeholder.sub("", template)
        assert not re.search(r"[0-9]", outside), f"{cid}: {re.findall(r'[0-9]+', outside)}"
    assert claims.typed_digits("about {x:.1f} % in {year}") == []
    assert claims.typed_digits("about 5 % in {year}") == ["5"]


def test_every_placeholder_has_a_value_and_every_finding_renders(t, values):
    rendered = claims.render_findings(t["claims"], values)
    assert len(rendered) == len(t["claims"])
    for cid, text in rendered.items():
        assert "{" not in text and "}" not in text, cid


def test_the_ledger_passes_its_own_check(t, values, index):
    assert claims.problems(t["claims"], t, values, index) == []
    claims.check(t["claims"], t, values, index)


def test_computed_verdicts_agree_with_the_ledger(t, values):
    computed = claims.computed_verdicts(t["claims"], values)
    assert set(computed) == set(claims.RULES)
    stored = t["claims"].set_index("id")["verdict"]
    for cid, verdict in computed.items():
        assert stored[cid] == verdict, cid


def test_a_verdict_the_data_contradict_stops_the_page(t, values, index):
    ledger = t["claims"].copy()
    ledger.loc[ledger["id"] == "ten_years_for_supporters", "verdict"] = "accurate"
    with pytest.raises(ValueError, match="ten_years_for_supporters"):
        claims.check(ledger, t, values, index)


def _mofa_areas_from_the_csv(path: Path) -> dict[str, float]:
    """Japan's official areas read straight from the CSV, independently of kurils.claims."""
    with path.open(encoding="utf-8") as fh:
        return {r["island_id"]: float(r["value"]) for r in csv.DictReader(fh)
                if r["metric"] == "area_km2" and "mofa.go.jp" in r["source_url"]}


def test_area_share_is_computed_from_island_facts(t, values):
    area = _mofa_areas_from_the_csv(DATA / "island_facts.csv")
    two = area["habomai"] + area["shikotan"]
    assert values["two_km2"] == pytest.approx(two)
    assert values["four_km2"] == pytest.approx(area["northern_territories"])
    assert values["share_of_four"] == pytest.approx(100 * two / area["northern_territories"])
    chain = t["region_facts"]
    chain = chain[(chain["subject"] == "Kuril Islands") & (chain["metric"] == "land_area")]
    assert len(chain) >= 1, "the chain total must be sourced in region_facts"
    for rid, total in zip(chain["id"], chain["value"]):
        assert values["chain_shares"][rid] == pytest.approx(100 * two / float(total))
    finding = claims.render_findings(t["claims"], values)["two_islands_five_percent"]
    assert f"{values['share_of_four']:.1f} %" in finding
    assert f"{values['share_of_chain_low']:.1f} %" in finding and f"{values['share_of_chain_high']:.1f} %" in finding


def test_changing_an_area_in_a_copy_changes_the_finding(data_copy, t, values):
    path = data_copy / "island_facts.csv"
    text = path.read_text(encoding="utf-8")
    old = "shikotan,area_km2,251,"
    assert old in text
    path.write_text(text.replace(old, "shikotan,area_km2,451,", 1), encoding="utf-8")
    changed_tables = claims.load_tables(data_copy)
    changed = claims.numbers(changed_tables)
    assert changed["shikotan_km2"] == 451 and changed["share_of_four"] > values["share_of_four"]
    before = claims.render_findings(t["claims"], values)["two_islands_five_percent"]
    after = claims.render_findings(changed_tables["claims"], changed)["two_islands_five_percent"]
    assert before != after and "451 km²" in after


def test_area_verdict_rule_follows_the_stated_share(values):
    rule = claims.RULES["two_islands_five_percent"]
    assert rule(values, round(values["share_of_four"])) == "partly_accurate"  # right number, wrong whole
    assert rule(values, values["share_of_chain_high"]) in {"accurate", "partly_accurate"}
    assert rule(values, 50.0) == "inaccurate"


def test_numbers_stated_in_a_claim_match_its_claimed_value(t):
    for row in t["claims"].itertuples():
        digits = re.findall(r"\d+(?:\.\d+)?", row.claim)
        if digits:
            assert pd.notna(row.claimed_value), row.id
            assert [float(d) for d in digits] == [float(row.claimed_value)], row.id
        if pd.notna(row.claimed_value):
            assert pd.notna(row.claimed_unit), row.id


def test_each_claim_names_the_source_that_settles_it(t):
    for _, row in t["claims"].iterrows():
        own = str(row["note"]).startswith(claims.OWN_SOURCE)
        rows = [claims.matching_rows(r, t) for r in claims.parse_evidence(row["evidence"]) if r.kind == "table"]
        cited = set(pd.concat(rows)["source_url"]) if rows else set()
        assert own or row["source_url"] in cited, f"{row['id']}: source is neither a cited row's nor the ledger's own"
        assert own or cited, row["id"]


def test_badges_carry_their_name_and_readable_contrast():
    for verdict in claims.VERDICTS:
        html = claims.badge(verdict)
        assert claims.VERDICT_LABELS[verdict] in html  # the verdict in words, not colour alone
        assert claims.contrast_ratio(claims.BADGE_TEXT, claims.VERDICT_COLOURS[verdict]) >= 4.5, verdict
    assert claims.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)


def test_verdict_chart_is_readable_and_fits_the_column(t):
    import matplotlib.pyplot as plt

    fig = claims.verdict_chart(t["claims"])
    try:
        ax = fig.axes[0]
        labels = [tick.get_text() for tick in ax.get_yticklabels()]
        assert labels == [claims.VERDICT_LABELS[v] for v in claims.VERDICTS]  # top to bottom
        allowed = {c.upper() for c in [*style.OKABE_ITO.values(), *style.ROLE_COLOURS.values()]}
        assert {c.upper() for c in claims.VERDICT_COLOURS.values()} <= allowed
        assert fig.get_size_inches()[0] <= style.MAX_WIDTH_IN
        counts = claims.verdict_counts(t["claims"])
        assert counts.sum() == len(t["claims"])
        assert [float(txt.get_text()) for txt in ax.texts] == [float(n) for n in counts]
        svg = style.render(fig, "svg")
        assert svg.startswith(b"<?xml")
    finally:
        plt.close(fig)


def test_ledger_table_links_evidence_to_chapter_pages(t, values, index):
    table = claims.ledger_table(t["claims"], values, index, t)
    assert len(table) == len(t["claims"])
    pages = set()
    for cell in table["Evidence"]:
        pages |= set(re.findall(r'href="([a-z]+)\.html', cell))
    assert pages and all((ROOT / "book" / f"{p}.md").is_file() for p in pages)
    assert "claims" not in pages


def test_every_cited_row_gets_a_readable_name(t):
    for text in t["claims"]["evidence"]:
        for ref in claims.parse_evidence(text):
            if ref.kind == "table" and ref.target in claims.ROW_LABELS:
                row = claims.matching_rows(ref, t).iloc[0]
                assert claims.ROW_LABELS[ref.target](row, t), ref.raw  # raises rather than falling back


# ------------------------------------------------------------------------------------------ key numbers


@pytest.fixture(scope="module")
def key(t) -> dict:
    return claims.key_numbers(t)


def test_key_numbers_cover_every_name_the_page_glues(key):
    """Every {glue:text}/{glue:md} name on the Claims page comes from claims.key_numbers (citations aside)."""
    from kurils import front

    page = (ROOT / "book" / "claims.md").read_text(encoding="utf-8")
    cited = set(re.findall(r'glue_citations\(\s*"([a-z0-9_]+)"', page))
    names = front.glue_names(page) - cited
    assert len(names) > 20, "glue names not parsed"
    computed = set(key) | set(course.key_numbers("claims"))  # the reading time comes from kurils.course
    assert names <= computed, f"glued but not computed: {sorted(names - computed)}"
    assert "text.glue_all(claims.key_numbers(t) | course.key_numbers(\"claims\"))" in page


def test_key_numbers_on_the_real_ledger(t, key, values):
    ledger = t["claims"]
    # every claim has one verdict and one kind: the counts add up to the ledger
    assert sum(key[f"n_{v}"] for v in claims.VERDICTS) == key["n_claims"] == len(ledger)
    assert sum(key[f"n_kind_{k}"] for k in claims.KINDS) == key["n_claims"]
    assert all(isinstance(key[f"n_{v}"], int) for v in claims.VERDICTS)
    assert 0 < key["n_computed"] <= key["n_claims"]
    assert key["n_tables_cited"] <= key["n_rows_cited"] and key["n_tables_cited"] > 0
    # the area figures are the ones the findings use, and they agree with each other
    assert key["two_km2"] == key["habomai_km2"] + key["shikotan_km2"] == values["two_km2"]
    assert key["share_of_four"] == pytest.approx(100 * key["two_km2"] / key["four_km2"])
    assert key["chain_low_km2"] < key["chain_high_km2"]
    shares = sorted(100 * key["two_km2"] / key[c] for c in ("chain_low_km2", "chain_high_km2"))
    assert [key["share_of_chain_low"], key["share_of_chain_high"]] == pytest.approx(shares)
    assert key["about_pct"] == pytest.approx(100 * claims.ABOUT_TOLERANCE)
    assert key["area_reading"] == claims.area_reading(values, key["claimed_share"])
    assert key["current_to"].startswith("Sources read up to ")


# ------------------------------------------------------------------------------- auditing a new claim


def _raw_rows(table: str) -> list[dict]:
    with (DATA / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


POPULATION = {"id": "islands_population", "claim": "About N people live on the four islands.", "kind": "fact",
              "verdict": "accurate", "evidence": "population:northern_territories/resident_population",
              "claimed_unit": "persons"}


def test_audit_reads_every_matching_row_of_the_evidence(t, values, index):
    rows = [r for r in _raw_rows("population")
            if r["place_id"] == "northern_territories" and r["group"] == "resident_population"]
    assert len(rows) >= 2
    counts = sorted(float(r["value"]) for r in rows)
    a = claims.audit_claim({**POPULATION, "claimed_value": counts[0]}, t, index=index, values=values)
    assert sorted(e["value"] for e in a["evidence"]) == counts
    assert a["problems"] == [] or all("your verdict" in p for p in a["problems"])


def test_audit_verdict_follows_the_tolerance(t, values, index):
    rows = [float(r["value"]) for r in _raw_rows("population")
            if r["place_id"] == "northern_territories" and r["group"] == "resident_population"]
    low, high = min(rows), max(rows)
    # a claim just above the highest count: every count agrees at a wide tolerance, none at a narrow one
    claimed = high * 1.05
    wide = claims.audit_claim({**POPULATION, "claimed_value": claimed}, t, index=index, values=values, tolerance=0.5)
    narrow = claims.audit_claim({**POPULATION, "claimed_value": claimed}, t, index=index, values=values,
                                tolerance=0.01)
    assert wide["computed_verdict"] == "accurate" and wide["problems"] == []
    assert narrow["computed_verdict"] == "inaccurate"
    assert any("your verdict 'accurate' but the data give 'inaccurate'" in p for p in narrow["problems"])
    if high > low * 1.02:  # the sources differ: a claim at the highest count matches only some of them
        some = claims.audit_claim({**POPULATION, "claimed_value": high}, t, index=index, values=values, tolerance=0.01)
        assert some["computed_verdict"] == "partly_accurate"


def test_audit_checks_years_exactly(t, values, index):
    art67 = next(r for r in _raw_rows("legal_instruments") if r["id"] == "ru_constitution_art67_2_1_ru")
    year = int(art67["date_in_force"][:4])
    claim = {"id": "art67", "claim": "The constitution bars handing over territory since year Y.", "kind": "fact",
             "evidence": "legal_instruments:ru_constitution_art67_2_1_ru", "claimed_unit": "year"}
    assert claims.audit_claim({**claim, "claimed_value": year}, t, index=index, values=values)["computed_verdict"] == "accurate"
    assert claims.audit_claim({**claim, "claimed_value": year + 1}, t, index=index, values=values)["computed_verdict"] == "inaccurate"


def test_audit_applies_the_ledger_rules(t, values, index):
    bad = claims.audit_claim({"id": "x", "claim": "c", "kind": "fact", "evidence": "population:atlantis",
                              "finding": "It was 12 in {decl_year}.", "claimed_value": 1}, t, index=index, values=values)
    problems = " ".join(bad["problems"])
    assert "no matching row" in problems and "digits typed" in problems
    assert bad["computed_verdict"] == "unverifiable"  # a number, but nothing to check it against
    assert claims.audit_claim({"id": "o", "claim": "c", "kind": "opinion", "verdict": "opinion"}, t, index=index,
                              values=values)["computed_verdict"] == "opinion"
    assert claims.audit_claim({"id": "n", "claim": "c", "kind": "fact"}, t, index=index,
                              values=values)["computed_verdict"] is None
    ok = claims.audit_claim({"id": "f", "claim": "c", "kind": "fact", "finding": "Signed in {decl_year}."}, t,
                            index=index, values=values)
    assert ok["finding"] == f"Signed in {values['decl_year']}."


def test_audit_table_shows_the_verdict_and_every_value(t, values, index):
    html = claims.audit({**POPULATION, "claimed_value": 1}, t, index=index, values=values).to_html()
    assert "Inaccurate" in html and "Verdict from the data" in html
    assert "population:northern_territories/resident_population" in html
    for r in _raw_rows("population"):
        if r["place_id"] == "northern_territories" and r["group"] == "resident_population":
            assert f"{float(r['value']):,.0f} persons" in html


def test_filter_ledger_and_crosstab_match_the_csv(t):
    rows = _raw_rows("claims")
    for verdict in claims.VERDICTS:
        assert len(claims.filter_ledger(t["claims"], verdict=verdict)) == sum(r["verdict"] == verdict for r in rows)
    press_facts = sum(r["source_kind"] == "press" and r["kind"] == "fact" for r in rows)
    assert len(claims.filter_ledger(t["claims"], kind="fact", source_kind="press")) == press_facts
    assert len(claims.filter_ledger(t["claims"])) == len(rows)
    table = claims.verdicts_by_source_kind(t["claims"]).set_index("Verdict")
    assert int(table.loc["All verdicts"].sum()) == len(rows)
    assert list(table.columns)[0] == "Official" or "official" not in {r["source_kind"] for r in rows}
    assert int(table.at["Accurate", "Press"]) == sum(r["verdict"] == "accurate" and r["source_kind"] == "press" for r in rows)
