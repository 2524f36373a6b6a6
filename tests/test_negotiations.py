"""The negotiations chapter: the meetings register, joint documents, proposals, the Bluebook's wording
and the numbers the chapter glues."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from kurils import data, negotiations as N, sources
from kurils.data import DataValidationError

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "book" / "negotiations.md"
NEW = ["meetings", "meeting_counts", "documents", "proposals", "bluebook_wording", "settlement_polls"]


@pytest.fixture(scope="module")
def t():
    return {name: data.load(name) for name in N.TABLES}


# ------------------------------------------------------------------------------------- sources

def test_new_tables_follow_the_source_rules(t):
    for name in NEW:
        frame = t[name]
        assert len(frame), name
        assert list(frame.columns).index("source_kind") == list(frame.columns).index("accessed") + 1, name
        assert sources.row_problems(name, frame) == [], name


def test_state_media_rows_say_why(t):
    for name in NEW:
        rows = t[name][t[name]["source_kind"] == "state_media"]
        for _, r in rows.iterrows():
            note = str(r["note"]).lower()
            assert "no other source" in note or "its own state's statement" in note, (name, r.iloc[0])


# ------------------------------------------------------------------------------------ meetings

def test_leaders_rows_point_at_leaders_and_ministers_rows_name_ministers(t):
    m, ids = t["meetings"], set(t["leaders"]["id"])
    lead = m[m["level"] == "leaders"]
    assert lead["japan_side"].isin(ids).all() and lead["russia_side"].isin(ids).all()
    assert lead["japan_side"].str.startswith("jp_").all()
    assert lead["russia_side"].str.match(r"(su|ru)_").all()
    fm = m[m["level"] == "foreign_ministers"]
    assert fm["japan_side"].isna().all() and fm["russia_side"].isna().all()
    assert fm["japan_minister"].notna().all() and fm["russia_minister"].notna().all()


def test_a_leader_met_while_in_office(t):
    """Each leaders' meeting falls inside both persons' terms as leaders.csv gives them."""
    terms = t["leaders"].set_index("id")
    for _, r in t["meetings"][t["meetings"]["level"] == "leaders"].iterrows():
        for side in ("japan_side", "russia_side"):
            term = terms.loc[r[side]]
            start = term["start"] - pd.Timedelta(days=366 if r["date_precision"] != "day" else 0)
            assert start <= r["date"], (r["id"], side)
            if pd.notna(term["end"]):
                assert r["date"] <= term["end"], (r["id"], side)


def test_documents_of_meetings_exist_and_no_meeting_is_recorded_twice(t):
    assert t["meetings"]["document_id"].dropna().isin(t["documents"]["id"]).all()
    assert N.duplicate_meetings(t["meetings"]) == []


def test_duplicate_meeting_is_caught():
    m = pd.DataFrame({"id": ["a", "b"], "level": ["leaders"] * 2, "date": [pd.Timestamp("2016-12-15")] * 2,
                      "date_precision": ["day"] * 2, "japan_side": ["jp_x"] * 2, "russia_side": ["ru_y"] * 2,
                      "japan_minister": [None] * 2, "russia_minister": [None] * 2})
    assert N.duplicate_meetings(m) == ["a", "b"]


def test_register_count_beside_every_count_a_source_states(t):
    check = N.count_check(t["meetings"], t["meeting_counts"], t["leaders"])
    assert len(check) == len(t["meeting_counts"]) >= 5
    # The Abe–Putin register reaches the 27th meeting MOFA numbered on 5 September 2019.
    last = check.iloc[-1]
    assert last["stated"] == 27 and last["register"] == 27
    assert (check["missing"] == 0).all(), check[check["missing"] != 0]


def test_count_check_reports_a_gap():
    meetings = pd.DataFrame({"id": ["m1", "m2"], "level": ["leaders"] * 2, "format": ["visit", "phone call"],
                             "date": pd.to_datetime(["2013-04-29", "2013-05-01"]), "place": ["Moscow", ""],
                             "japan_side": ["jp_a"] * 2, "russia_side": ["ru_b"] * 2,
                             "japan_minister": [None] * 2, "russia_minister": [None] * 2})
    leaders = pd.DataFrame({"id": ["jp_a", "ru_b"], "name": ["A", "B"]})
    counts = pd.DataFrame({"id": ["c"], "pair_japan": ["A"], "pair_russia": ["B"], "as_of_meeting": ["m1"],
                           "stated_count": [3], "source_title": ["s"], "source_url": ["https://x"]})
    row = N.count_check(meetings, counts, leaders).iloc[0]
    assert (row["register"], row["missing"]) == (1, 2)  # the phone call is not counted


def test_register_is_dense_for_leaders_1991_2022(t):
    lead = t["meetings"][(t["meetings"]["level"] == "leaders")]
    years = lead[(lead["date"] >= "1991-01-01") & (lead["date"] < "2023-01-01")]["date"].dt.year
    assert years.nunique() >= 20


def test_meetings_chart_reads_terms_from_leaders(t):
    fig = N.meetings_chart(t["meetings"], t["leaders"])
    assert len(fig.axes) == 2
    plt.close(fig)


# ----------------------------------------------------------------------------------- documents

def test_every_flag_is_backed_by_the_excerpt(t):
    assert N.unbacked_flags(t["documents"], t["legal_instruments"]) == []


def test_names_all_four_means_all_four_names_appear(t):
    docs = t["documents"]
    texts = N.excerpt_for(docs, t["legal_instruments"])
    flagged = docs["names_all_four"] == True  # noqa: E712 (nullable booleans)
    assert flagged.sum() >= 3
    for text in texts[flagged]:
        for names in N.ISLAND_NAMES.values():
            assert any(n in text for n in names), text


def test_an_unbacked_flag_is_caught():
    docs = pd.DataFrame({"id": ["d"], "excerpt": ["歯舞群島及び色丹島"], "instrument_id": [None],
                         **{f: [False] for f in N.FEATURES}})
    docs.loc[0, "names_all_four"] = True
    inst = pd.DataFrame({"id": [], "excerpt": []})
    assert N.unbacked_flags(docs, inst) == [("d", "names_all_four")]


def test_documents_listed_in_the_issue_are_present_and_linked(t):
    docs = t["documents"].set_index("id")
    for d in ("jd_1956", "memo_1960", "communique_1973", "communique_1991", "tokyo_1993", "krasnoyarsk_1997",
              "moscow_1998", "irkutsk_2001", "action_plan_2003", "joint_statement_2013", "nagato_2016", "singapore_2018"):
        assert d in docs.index, d
    assert docs["instrument_id"].dropna().isin(t["legal_instruments"]["id"]).all()
    # Documents with an instrument row do not repeat that row's excerpt.
    inst = t["legal_instruments"].set_index("id")["excerpt"]
    for _, r in docs.dropna(subset=["instrument_id"]).iterrows():
        assert not (isinstance(r["excerpt"], str) and r["excerpt"] == inst.get(r["instrument_id"])), r.name


def test_unread_documents_carry_no_flags(t):
    unread = t["documents"][t["documents"]["coverage"] == "not_read"]
    assert unread[list(N.FEATURES)].isna().all().all()


def test_matrix_orders_documents_in_time(t):
    m = N.matrix(t["documents"])
    years = [int(i.split()[0]) for i in m.index]
    assert years == sorted(years) and list(m.columns) == list(N.FEATURES)
    plt.close(N.matrix_chart(t["documents"]))


# ----------------------------------------------------------------------------------- proposals

def test_at_least_ten_proposals_each_linked_or_explained(t):
    p = t["proposals"]
    assert len(p) >= 10
    assert p["scenario_id"].dropna().isin(t["scenarios"]["id"]).all()
    unlinked = p[p["scenario_id"].isna()]
    assert unlinked["geometry_note"].str.len().gt(20).all()
    for pid in ("kawana_1998", "irkutsk_parallel_2001", "aso_equal_area_2006", "yeltsin_joint_admin_1998",
                "abe_no_bases_2018", "ainu_homeland_2005", "soviet_two_islands_1956"):
        assert pid in set(p["id"]), pid
    assert p.set_index("id").loc["aso_equal_area_2006", "scenario_id"] == "equal_split"
    assert "timing" in p.set_index("id").loc["kawana_1998", "geometry_note"]


def test_proposals_table_links_the_scenarios_page(t):
    table = N.proposals_table(t["proposals"], t["scenarios"])
    assert table["Computed option"].str.contains(r"scenarios\.html|No map").all()


# ------------------------------------------------------------------------------------ bluebook

def test_bluebook_changes(t):
    ch = N.bluebook_changes(t["bluebook_wording"])
    got = {(r["phrase"], r["year"], r["change"]) for _, r in ch.iterrows()}
    assert ("illegally_occupied", 2022, "restored") in got
    assert ("illegally_occupied", 2004, "dropped") in got
    assert ("belong_to_japan", 2019, "dropped") in got
    plt.close(N.bluebook_chart(t["bluebook_wording"]))


def test_bluebook_excerpt_backs_the_flags(t):
    phrase = {"illegally_occupied": "不法占拠", "inherent_territory": "固有の領土", "belong_to_japan": "帰属",
              "sovereign_islands": "主権を有する"}
    for _, r in t["bluebook_wording"].dropna(subset=["excerpt"]).iterrows():
        for col, word in phrase.items():
            if r[col] is True:
                assert word in r["excerpt"] or r["year"] not in (2018, 2020, 2022) or col not in ("belong_to_japan", "sovereign_islands"), (r["year"], col)


# --------------------------------------------------------------------------------- key numbers

def test_key_numbers(t):
    k = N.key_numbers(t)
    assert k["n_abe_putin"] == 27 and k["check_missing"] == 0
    assert k["n_proposals"] >= 10
    assert k["n_meetings"] == k["n_leaders"] + k["n_fm"]
    assert k["illegal_restored"] == 2022
    assert k["n_fm_1973_1991"] >= 2   # the foreign ministers met between the 1973 and 1991 summits
    assert 0 < k["residents_russia"] <= 100


def test_bad_meeting_row_names_file_row_and_column(tmp_path):
    for f in (ROOT / "data").iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    path = tmp_path / "meetings.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace(",leaders,", ",summit,", 1)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        data.load("meetings", root=tmp_path)
    assert "meetings.csv" in str(err.value) and "level" in str(err.value)


# ------------------------------------------------------------------------------------- chapter

def test_chapter_glues_every_key_number():
    text = CHAPTER.read_text(encoding="utf-8")
    assert "N.key_numbers" in text
    names = set(re.findall(r"\{glue:(?:text|md)\}`([a-z0-9_]+)", text))
    assert names, "no glued numbers"
    t = {name: data.load(name) for name in N.TABLES}
    from kurils import course

    computed = set(N.key_numbers(t)) | set(course.key_numbers("negotiations"))
    glued_citations = set(N.citation_rows(t)) | {"cite_all"}
    assert names <= computed | glued_citations, sorted(names - computed - glued_citations)
    assert "toc" not in names
    assert re.search(r"text\.glue_all\(N\.key_numbers\(t\)( \| course\.key_numbers\(\"negotiations\"\))?\)", text)
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert toc.index("book/history") < toc.index("book/negotiations") < toc.index("book/legal")


def test_key_numbers_and_citations_values():
    t = {name: data.load(name) for name in N.TABLES}
    k = N.key_numbers(t)
    assert k["current_to"].startswith("Sources read up to ")
    assert k["n_meetings"] == k["n_leaders"] + k["n_fm"] == len(t["meetings"])
    assert k["first_meeting"] == t["meetings"]["date"].min()
    rows = N.citation_rows(t)
    assert set(rows) == set(N.CITATIONS)
    assert all(len(frame) for frame in rows.values()), "every citation names at least one row"
    assert list(rows["cite_1956"]["id"]) == ["jd_1956"]
    assert len(rows["cite_counts"]) == len(t["meeting_counts"])


# --------------------------------------------------------------------------------------- exercises

def test_meetings_by_any_grouping_adds_up(t):
    meetings, leaders = t["meetings"], t["leaders"]
    k = N.key_numbers(t)
    for by in N.GROUPINGS:
        table = N.meetings_by(meetings, leaders, by=by)
        assert table["total"].sum() == k["n_meetings"], by
        assert table["leaders"].sum() == k["n_leaders"] and table["foreign_ministers"].sum() == k["n_fm"], by
    decades = N.meetings_by(meetings, leaders)
    assert list(decades.index) == sorted(decades.index) and decades.index[0] == "1950s"
    putin = N.meetings_by(meetings, leaders, by="russia_person", in_person=True)
    abe = N.pair_counts(meetings, leaders)
    assert putin.at["Vladimir Putin", "leaders"] == abe.loc[abe["russia_person"] == "Vladimir Putin", "meetings"].sum()
    remote = N.meetings_by(meetings, leaders, by="format")
    assert remote.loc[[f for f in N.REMOTE if f in remote.index], "leaders"].sum() == k["n_calls"]
    with pytest.raises(ValueError, match="decade"):
        N.meetings_by(meetings, leaders, by="weather")


def test_poll_answers_for_every_question(t):
    spolls, polls = t["settlement_polls"], t["polls"]
    k = N.key_numbers(t)
    questions = N.poll_questions(spolls, polls)
    assert {"nikkei_2018_11", "vciom_residents_2019", "levada_transfer", "mofa_ru_belonging"} <= set(questions.index)
    for q in questions.index:
        answers = N.poll_answers(spolls, polls, question=q)
        assert len(answers) >= 1 and answers["share_pct"].between(0, 100).all(), q
        assert answers["share_pct"].is_monotonic_decreasing, q
    nikkei = N.poll_answers(spolls, polls)  # the default is the poll the chapter quotes
    assert sorted(nikkei["share_pct"]) == sorted([k["nikkei_two_first"], k["nikkei_four"], k["nikkei_two_only"]])
    levada = N.poll_answers(spolls, polls, question="levada_transfer")
    assert levada.loc[levada["answer"] == "rather oppose a handover", "share_pct"].iloc[0] == k["levada_oppose_2018"]
    older = N.poll_answers(spolls, polls, question="levada_transfer", fieldwork="2016-05-01")
    assert str(older["fieldwork"].iloc[0]) == "2016-05-01"
    with pytest.raises(KeyError):
        N.poll_answers(spolls, polls, question="no_such_poll")


def test_exercise_numbers_add_up(t):
    k = N.key_numbers(t)
    in_person = N.meetings_by(t["meetings"], t["leaders"], by="host_country", in_person=True)
    assert k["host_moscow_side"] + k["host_japan"] + k["host_third"] == in_person["total"].sum()
    assert k["host_moscow_side"] > k["host_japan"] > 0
    assert k["mofa_ru_russia"] + k["mofa_ru_agree"] + k["mofa_ru_japan"] <= 100
    assert k["busiest_decade"].endswith("0s") and k["busiest_decade_n"] <= k["n_meetings"]
