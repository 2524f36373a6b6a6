"""Russian-Chinese joint activity: dates, ids, routes inside the map, waypoints, counts, figures."""

import datetime as dt

import pandas as pd
import pytest

from kurils import data, maps, security as sec


@pytest.fixture(scope="module")
def t():
    return {n: data.load(n) for n in ["joint_activities", "waypoints", "specified_straits", "alliance", "military_sites"]}


def test_at_least_15_sourced_events(t):
    j = t["joint_activities"]
    assert len(j) >= 15
    assert j["id"].is_unique
    assert j["id"].str.fullmatch(r"(air|naval|ex)_[a-z0-9_]+").all()
    assert (j["source_url"].str.startswith("http")).all()
    assert set(j["kind"]) == set(sec.KINDS)


def test_dates_are_ordered_and_in_range(t):
    j = t["joint_activities"]
    start, end = pd.to_datetime(j["start_date"]), pd.to_datetime(j["end_date"])
    assert (end >= start).all()
    assert (start >= pd.Timestamp("2019-07-01")).all(), "the series starts with the first joint bomber patrol, July 2019"
    assert (end <= pd.to_datetime(j["accessed"])).all(), "no event ends after its source was read"
    # ids carry the start year (air_2019_07 ...) or the exercise year (ex_joint_sea_2021)
    for row in j.itertuples():
        assert str(pd.Timestamp(row.start_date).year) in row.id, row.id
    month = j[j["date_precision"] == "month"]
    assert (pd.to_datetime(month["start_date"]).dt.day == 1).all()


def test_every_route_point_resolves_and_lies_inside_the_map(t):
    assert sec.unknown_waypoints(t["joint_activities"], t["waypoints"]) == {}
    pts = sec.route_points(t["joint_activities"], t["waypoints"])
    assert len(pts) >= len(t["joint_activities"])
    inside = sec.inside_extent(pts["lat"], pts["lon"], maps.SEAS)
    assert inside.all(), pts.loc[~inside, ["event", "waypoint"]].to_dict("records")
    # and every waypoint at all, so a new route cannot fall off the map
    assert sec.inside_extent(t["waypoints"]["lat"], t["waypoints"]["lon"], maps.SEAS).all()


def test_unknown_waypoint_is_reported():
    j = pd.DataFrame({"id": ["x"], "route": ["sea_of_japan>atlantis"], "kind": ["exercise"]})
    w = pd.DataFrame({"id": ["sea_of_japan"], "lat": [37.1], "lon": [134.45]})
    assert sec.unknown_waypoints(j, w) == {"x": ["atlantis"]}
    with pytest.raises(KeyError):
        sec.route_points(j, w)
    with pytest.raises(ValueError):
        sec.route_ids("a>>b")


def test_inside_extent_rejects_outside_points():
    assert not sec.inside_extent([10.0], [140.0]).any()      # south of the map
    assert not sec.inside_extent([40.0], [170.0]).any()      # east of it
    assert sec.inside_extent([40.0], [140.0]).all()


def test_waypoint_bases_are_checked(t):
    w = t["waypoints"].set_index("id")
    for wid, r in w[w["basis"] == "midpoint"].iterrows():
        a, b = r["basis_of"].split(";")
        lat, lon = sec.midpoint((w.at[a, "lat"], w.at[a, "lon"]), (w.at[b, "lat"], w.at[b, "lon"]))
        assert (r["lat"], r["lon"]) == pytest.approx((lat, lon), abs=0.01), wid
    sites = t["military_sites"].set_index("id")
    for wid, r in w[w["basis"] == "copied"].iterrows():
        table, row = r["basis_of"].split(":")
        assert table == "military_sites"
        assert (r["lat"], r["lon"]) == pytest.approx((sites.at[row, "lat"], sites.at[row, "lon"])), wid


def test_specified_straits_link_to_strait_waypoints(t):
    w = t["waypoints"].set_index("id")
    assert (w.loc[t["specified_straits"]["waypoint"], "feature"] == "strait").all()


def test_counts_per_year_add_up(t):
    j = t["joint_activities"]
    per_year = sec.events_per_year(j)
    assert per_year.to_numpy().sum() == len(j)
    assert list(per_year.index) == list(range(per_year.index.min(), per_year.index.max() + 1))
    k = sec.key_numbers(t)
    assert k["n_events"] == len(j) == k["n_air_patrol"] + k["n_naval_patrol"] + k["n_exercise"]
    assert k["first_air_date"] == pd.Timestamp("2019-07-23")


def test_counts_by_month_and_quarter_hold_every_event(t):
    j = t["joint_activities"]
    months, quarters = sec.event_counts(j, by="month"), sec.event_counts(j, by="quarter")
    assert list(months.index) == list(range(1, 13)) and list(quarters.index) == [1, 2, 3, 4]
    assert months.to_numpy().sum() == quarters.to_numpy().sum() == len(j)
    # three months make a quarter, kind by kind
    for q in range(1, 5):
        assert (months.loc[3 * q - 2:3 * q].sum() == quarters.loc[q]).all()
    assert sec.event_counts(j).equals(sec.events_per_year(j))
    with pytest.raises(ValueError, match="by must be"):
        sec.event_counts(j, by="week")


def test_strait_passages_by_kind_add_up(t):
    j, wp = t["joint_activities"], t["waypoints"]
    every = sec.strait_passages(j, wp)
    by_kind = pd.DataFrame({k: sec.strait_passages(j, wp, kinds=[k]) for k in sec.KINDS}).fillna(0)
    assert (by_kind.sum(axis=1).reindex(every.index) == every).all()
    # the naval patrols name Japan's specified straits; the exercises name no strait at all
    naval = sec.strait_passages(j, wp, kinds=["naval_patrol"])
    assert set(naval.index) & set(t["specified_straits"]["waypoint"])
    assert sec.strait_passages(j, wp, kinds=["exercise"]).empty
    seas = sec.strait_passages(j, wp, feature="sea_area")
    assert seas.max() <= len(j) and "sea_of_japan" in seas.index
    with pytest.raises(ValueError, match="unknown kinds"):
        sec.strait_passages(j, wp, kinds=["submarine"])


def test_reported_rows_are_labelled(t):
    a = t["alliance"]
    assert a.loc[a["kind"] == "reported_offer", "reported"].all()
    table = sec.alliance_table(a)
    assert table.loc[a["reported"].to_numpy(), "What"].str.startswith("Reported: ").all()
    assert "exchange_of_notes_1960" in set(a["id"])
    q = a.set_index("id").at["exchange_of_notes_1960", "quote"]
    assert "prior consultation with the Government of Japan" in q


def test_figures_draw(t):
    import matplotlib.pyplot as plt

    fig = sec.routes_map(t["joint_activities"], t["waypoints"], t["specified_straits"])
    assert fig.axes
    plt.close(fig)
    fig = sec.year_chart(t["joint_activities"])
    plt.close(fig)


def test_source_labels_are_short():
    assert sec.source_label("中ロ爆撃機 (Asahi Shimbun, 2019-07-23; descriptive title)") == "Asahi Shimbun"
    assert sec.source_label("Title (Kyodo via Iwate Nippo, 2020-12-23)") == "Kyodo via Iwate Nippo"
    assert sec.source_label("No parentheses") == "source"


def test_prose_most_okinawa_and_tsushima_events_are_bomber_patrols(t):
    # the page says "most of them bomber patrols" of the events naming these two passages
    pts = sec.route_points(t["joint_activities"], t["waypoints"]).drop_duplicates(["event", "waypoint"])
    for w in ["okinawa_miyako", "tsushima_strait"]:
        kinds = pts.loc[pts["waypoint"] == w, "kind"]
        assert (kinds == "air_patrol").mean() > 0.5, w


def test_key_numbers_cover_every_glue_name_in_the_prose(t, root):
    import re

    from kurils import front

    page = (root / "book" / "security.md").read_text(encoding="utf-8")
    cited = set(re.findall(r'glue_citations\(\s*"([a-z0-9_]+)"', page))
    from kurils import course

    k = sec.key_numbers(t) | course.key_numbers("security")
    assert front.glue_names(page) - cited <= set(k), sorted(front.glue_names(page) - cited - set(k))
    assert 'text.glue_all(sec.key_numbers(t) | course.key_numbers("security"))' in page


def test_key_numbers_values(t):
    k = sec.key_numbers(t)
    assert k["specified_nm"] == 3  # Japan's territorial sea in the five specified straits
    assert k["exchange_of_notes_1960_date"] == "19 January 1960"
    assert "prior consultation" in k["notes_quote"]
    assert k["n_specified_named"] <= k["n_okinawa_miyako"] + k["n_soya"] + k["n_tsugaru"] + k["n_osumi"] + k["n_tsushima"]
    assert k["current_to"].startswith("Sources read up to ")
    assert all(isinstance(v, (int, float, str, pd.Timestamp)) or hasattr(v, "item") for v in k.values())
