"""What kind of source stands behind each row, and the rules the book holds its sources to.

Every table records ``source_kind`` next to ``source_url``. The kinds and what they mean:

``official``      a government, ministry, agency, parliament or local-administration page
``legal_text``    a statute, constitution or treaty text, including official legal databases
``statistics``    a statistics office or an official statistical series
``scholarly``     peer-reviewed work, academic books, university document databases
``think_tank``    a research institute or foundation publishing analysis (CSIS, SPF, ERINA, …)
``press``         an independent news organisation's own article
``state_media``   an outlet that a state owns or controls editorially (see below)
``encyclopaedia`` a general or specialist encyclopaedia
``other``         anything else (museums, companies, associations, law firms, …)

**The state-media rule.** An outlet counts as state media when a state owns it or controls its
editorial line: TASS, RIA Novosti, Sputnik, RT, RBTH, regional outlets owned by Russian regional
governments (m24, riamo), Xinhua, People's Daily, China.org.cn, Prensa Latina, TeleSUR, TRT. Public
broadcasters with statutory editorial independence (NHK, the BBC) are ``press``. A ``state_media``
row is allowed for the statements and positions of the state that controls the outlet (in a
statement table, where the row's actor is that state), or where nothing else exists; any other
row must say so in its note with the words "no other source" or mark the row as "its own state's
statement".

**Blocked hosts.** No row may cite a forum, a proxy or mirror of another site, a publisher's
staging host, a news aggregator, a personal blog reposting others' work, or a bare IP or cloud
host: :data:`BLOCKED_HOSTS` lists every such host seen, each with its reason.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pandas as pd

KINDS = ("official", "legal_text", "statistics", "scholarly", "think_tank", "press", "state_media",
         "encyclopaedia", "other")
#: Kinds an examiner accepts as primary or scholarly evidence.
STRONG_KINDS = ("official", "legal_text", "statistics", "scholarly", "think_tank")
#: Kinds to use only where nothing better was found.
WEAK_KINDS = ("encyclopaedia", "other")
#: The targets of the sources issue: shares of all rows.
TARGET_STRONG_MIN = 0.60
TARGET_WEAK_MAX = 0.10

KIND_LABELS = {
    "official": "Official", "legal_text": "Legal text", "statistics": "Statistics",
    "scholarly": "Scholarly", "think_tank": "Think tank", "press": "Press",
    "state_media": "State media", "encyclopaedia": "Encyclopaedia", "other": "Other",
}

FORUM = "forum or comment thread"
MIRROR = "mirror or copy of another site (cite the original)"
PROXY = "proxy or review site carrying another site's page"
STAGING = "publisher's staging, admin or internal host, not the public address"
AGGREGATOR = "news aggregator (cite the original outlet)"
BLOG = "personal blog or site reposting others' work"
BARE_HOST = "bare IP address or cloud/CDN host, not a publisher's address"
USER_WIKI = "user-edited wiki without editorial control"

#: Hosts no row may cite, each with the reason (a host also blocks its subdomains).
BLOCKED_HOSTS: dict[str, str] = {
    "5ch.net": FORUM,
    "weblio.jp": MIRROR,
    "wikimili.com": MIRROR,
    "fact-index.com": MIRROR,
    "slovar-vocab.com": MIRROR,
    "a.osmarks.net": MIRROR,
    "wiki.fkgfw.men": MIRROR,
    "wiki.outremer.quest": MIRROR,
    "ja-wiki.pages.dev": MIRROR,
    "the-uncensored-wiki.com": MIRROR,
    "kiwix.casplantje.nl": MIRROR,
    "wikipedia.jakami.de": MIRROR,
    "wikizero.com": MIRROR,
    "piglix.com": MIRROR,
    "memim.com": MIRROR,
    "encyclopedia2.thefreedictionary.com": MIRROR,
    "alegsaonline.com": MIRROR,
    "wiki-org.ru": MIRROR,
    "wiki7.org": MIRROR,
    "ewikibg.top": MIRROR,
    "encyclopediahub.com": MIRROR,
    "sagapedia.com": MIRROR,
    "bestref.net": MIRROR,
    "reference.com": MIRROR,
    "ed.newdu.com": MIRROR,
    "perceptiopt.com": MIRROR,
    "perceptiofi.com": MIRROR,
    "perceptiode.com": MIRROR,
    "tomorrow.paperai.life": MIRROR,
    "consp.skr.jp": MIRROR,
    "zalansite.site": MIRROR,
    "lt304888.ru": MIRROR,
    "piguhua.com": MIRROR,
    "country-data.com": MIRROR,
    "megalodon.jp": MIRROR,
    "japanese.todaiinews.com": MIRROR,
    "mapio.net": MIRROR,
    "tube.e-lesson1.com": MIRROR,
    "hqproductreviews.com": PROXY,
    "squidsite02.com": PROXY,
    "maxifyfx.com": PROXY,
    "homsy-staging.cambridgecore.org": STAGING,
    "core-prod.cambridgecore.org": STAGING,
    "admin.hydrocarbonprocessing.com": STAGING,
    "admin.jcgcw.com": STAGING,
    "ajw-origin.potaufeu.asahi.com": STAGING,
    "urdupoint.com": AGGREGATOR,
    "news-pravda.com": AGGREGATOR,
    "particle.news": AGGREGATOR,
    "newscafe.ne.jp": AGGREGATOR,
    "news.livedoor.com": AGGREGATOR,
    "news.mixi.jp": AGGREGATOR,
    "nordot.app": AGGREGATOR,
    "news.shi-fen.com": AGGREGATOR,
    "xinjiapo.news": AGGREGATOR,
    "tellerreport.com": AGGREGATOR,
    "bignewsnetwork.com": AGGREGATOR,
    "kiozk.ru": AGGREGATOR,
    "vpk.name": AGGREGATOR,
    "5hotnews.com": AGGREGATOR,
    "uawire.org": AGGREGATOR,
    "mobsearch.net": AGGREGATOR,
    "dailysunny.com": AGGREGATOR,
    "newsghana.com.gh": AGGREGATOR,
    "en.etemaaddaily.com": AGGREGATOR,
    "mz.ww2facts.net": AGGREGATOR,
    "traffgui.ru": AGGREGATOR,
    "malaya.digital": AGGREGATOR,
    "russianconstruction.com": AGGREGATOR,
    "easternherald.com": AGGREGATOR,
    "hoppou.blog": BLOG,
    "widetown.cocotte.jp": BLOG,
    "digistats.net": BLOG,
    "blogspot.com": BLOG,
    "jp.bloguru.com": BLOG,
    "pastoredsblog.com": BLOG,
    "japanbullet.com": BLOG,
    "japanesecustomer.com": BLOG,
    "thetimelinegeek.com": BLOG,
    "captainwriter.net": BLOG,
    "thesaker.is": BLOG,
    "putinvladimir.org": BLOG,
    "rusreality.com": BLOG,
    "japanartsandcrafts.com": BLOG,
    "nhiroba.com": BLOG,
    "kushima.org": BLOG,
    "anpo.biz": BLOG,
    "latinkvartal.ru": BLOG,
    "chelorg.com": BLOG,
    "globalmilitary.net": BLOG,
    "librize.com": BLOG,
    "dic.pixiv.net": USER_WIKI,
    "70.231.62.181": BARE_HOST,
    "amazonaws.com": BARE_HOST,
    "cloudfront.net": BARE_HOST,
    "azureedge.net": BARE_HOST,
}

#: Outlets a state owns or controls editorially -> that state (as named in statement tables).
STATE_MEDIA_HOSTS: dict[str, str] = {
    "tass.com": "russia", "tass.ru": "russia", "ria.ru": "russia", "sputniknews.jp": "russia",
    "sputniknews.com": "russia", "sputnikglobe.com": "russia", "sputniknews.africa": "russia",
    "noticiabrasil.net.br": "russia", "rt.com": "russia", "rbth.com": "russia", "rg.ru": "russia",
    "m24.ru": "russia", "riamo.ru": "russia", "tvzvezda.ru": "russia", "vesti.ru": "russia",
    "xinhuanet.com": "china", "news.cn": "china", "people.cn": "china", "china.org.cn": "china",
    "chinadaily.com.cn": "china", "globaltimes.cn": "china", "cgtn.com": "china", "dbw.cn": "china",
    "prensa-latina.cu": "cuba", "telesurenglish.net": "venezuela", "trtworld.com": "turkey",
}

#: Statement tables: the column naming whose statement a row records, and its values per state.
STATEMENT_ACTORS = {
    "positions": ("actor", {"moscow": "russia", "beijing": "china"}),
    "legal_positions": ("side", {"russia": "russia", "china": "china"}),
}
#: Tables whose rows are not evidence for what the book says, with the reason. Their kinds are
#: validated but left out of every share (and their sources out of the bibliography's @misc entries).
NOT_EVIDENCE_REASONS = {
    "literature": "bibliographic records: the page on which a book's or article's details were confirmed",
    "changelog": "editorial metadata: what changed between versions of the book, sourced to the repository file",
    "chapters": "editorial metadata: when each chapter was last reviewed, sourced to the chapter's file",
}
#: The names of those tables (the keys of :data:`NOT_EVIDENCE_REASONS`).
NOT_EVIDENCE_TABLES = tuple(NOT_EVIDENCE_REASONS)
NO_OTHER_SOURCE = "no other source"
OWN_STATEMENT = "its own state's statement"


def host(url: str) -> str:
    """The URL's host, lower case, without ``www.``, a port or a trailing dot."""
    netloc = urlparse(str(url)).netloc.lower().split("@")[-1]
    netloc = re.sub(r":\d+$", "", netloc).rstrip(".")
    return netloc.removeprefix("www.")


def _lookup(hostname: str, table: dict[str, str]) -> str | None:
    """The entry for the host or the nearest parent domain in ``table``."""
    parts = hostname.split(".")
    for i in range(len(parts)):
        candidate = ".".join(parts[i:])
        if candidate in table:
            return table[candidate]
    return None


def blocked_reason(url: str) -> str | None:
    """Why a URL's host may not be cited, or None when it may."""
    return _lookup(host(url), BLOCKED_HOSTS)


def state_of_outlet(url: str) -> str | None:
    """The state that owns or controls the outlet at this URL, or None."""
    return _lookup(host(url), STATE_MEDIA_HOSTS)


def row_problems(table: str, frame: pd.DataFrame) -> list[tuple[int, str, str]]:
    """(index, column, message) for every row that breaks a source rule."""
    if "source_kind" not in frame.columns:
        return [(-1, "source_kind", "the table has no source_kind column")]
    problems = []
    actor_col, actor_states = STATEMENT_ACTORS.get(table, (None, {}))
    for idx, row in frame.iterrows():
        url, kind = str(row["source_url"]), row["source_kind"]
        note = "" if pd.isna(row.get("note")) else str(row.get("note")).lower()
        reason = blocked_reason(url)
        if reason:
            problems.append((idx, "source_url", f"host {host(url)} may not be cited: {reason}"))
        outlet_state = state_of_outlet(url)
        if outlet_state and kind != "state_media":
            problems.append((idx, "source_kind", f"{host(url)} is state media ({outlet_state}), not {kind!r}"))
        if kind == "state_media":
            actor = actor_states.get(str(row[actor_col])) if actor_col else None
            own_statement = outlet_state is not None and actor == outlet_state
            if not own_statement and NO_OTHER_SOURCE not in note and OWN_STATEMENT not in note:
                problems.append((idx, "note", "a state-media row must be its state's statement or say "
                                               f"'{NO_OTHER_SOURCE}' (and what was searched) in its note"))
        if kind == "encyclopaedia" and "searched" not in note:
            problems.append((idx, "note", "an encyclopaedia row must say in its note what was searched "
                                           "for a primary or scholarly source"))
    return problems


def kind_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per data row: table, source kind, host, URL and title (the basis of every share).

    Tables in :data:`NOT_EVIDENCE_TABLES` are left out.
    """
    frames = []
    for name, frame in tables.items():
        if name in NOT_EVIDENCE_TABLES:
            continue
        frames.append(pd.DataFrame({
            "table": name, "source_kind": frame["source_kind"].astype(str),
            "host": frame["source_url"].map(host), "source_url": frame["source_url"],
            "source_title": frame["source_title"],
            "note": frame["note"] if "note" in frame.columns else "",
        }))
    if not frames:
        return pd.DataFrame(columns=["table", "source_kind", "host", "source_url", "source_title", "note"])
    return pd.concat(frames, ignore_index=True)


def shares(kinds: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Share of rows (0–1) by source kind, overall or per value of ``by``; columns in KINDS order."""
    if by is None:
        counts = kinds["source_kind"].value_counts().to_frame().T
    else:
        counts = kinds.groupby(by)["source_kind"].value_counts().unstack(fill_value=0)
    counts = counts.reindex(columns=list(KINDS), fill_value=0)
    return counts.div(counts.sum(axis=1), axis=0)


def summary(kinds: pd.DataFrame) -> dict[str, float]:
    """Rows, strong share, weak share and blocked rows: the numbers the targets are held to."""
    overall = shares(kinds).iloc[0]
    blocked = int(kinds["source_url"].map(lambda u: blocked_reason(u) is not None).sum())
    return {
        "rows": len(kinds),
        "strong_share": float(overall[list(STRONG_KINDS)].sum()),
        "weak_share": float(overall[list(WEAK_KINDS)].sum()),
        "state_media_share": float(overall["state_media"]),
        "press_share": float(overall["press"]),
        "blocked_rows": blocked,
        "hosts": int(kinds["host"].nunique()),
    }


def report(names: list[str] | None = None) -> str:
    """Plain-text report of every source-rule problem and of the kind shares (``python -m kurils.sources``)."""
    from kurils import data

    names = names or data.table_names()
    tables = {name: data.load(name) for name in names}
    lines = []
    for name, frame in tables.items():
        for idx, col, msg in row_problems(name, frame):
            lines.append(f"data/{name}.csv, line {idx + 2}, column {col}: {msg}")
    kinds = kind_table(tables)
    numbers = summary(kinds)
    lines.append(f"{numbers['rows']} rows; strong {numbers['strong_share']:.1%}, encyclopaedia+other "
                 f"{numbers['weak_share']:.1%}, state media {numbers['state_media_share']:.1%}, "
                 f"blocked rows {numbers['blocked_rows']}")
    lines.append(shares(kinds, by="table").round(2).to_string())
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(report(sys.argv[1:] or None))
