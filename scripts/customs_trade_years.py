"""Sum Japan Customs' monthly Russia files into calendar-year totals (thousand yen).

Japan Customs publishes, for each country, monthly time-series files of its trade statistics
(財務省貿易統計 輸出入推移表):

    https://www.customs.go.jp/toukei/suii/html/data/d52ma008.csv   exports to Russia, by month
    https://www.customs.go.jp/toukei/suii/html/data/d62ma008.csv   imports from Russia, by month

Each holds a title, a few header rows and then one row per month ("1988/01", …); column 1
("総額", unit "(千円)") is the total value in thousand yen. Months not yet published hold "-".

This script reads LOCAL copies of the two files (the book read them in the GitHub repository
dlxiii/meti_scraper, csv/customs/toukei/, commit 9c8885e; its downloader names the Customs
addresses above) and prints, for each calendar year with all twelve months, the yearly totals in
thousand yen and in million yen rounded to 0.1 (the unit of data/trade.csv). Nothing is downloaded:
the book's build and tests read only the committed rows of data/trade.csv.

    python scripts/customs_trade_years.py EXPORTS.csv IMPORTS.csv [FIRST LAST]
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

MONTH = re.compile(r"^(\d{4})/(\d{2})$")


def monthly_totals(path: Path) -> dict[tuple[int, int], int | None]:
    """(year, month) -> column-1 total in thousand yen (None where the month is '-')."""
    text = path.read_bytes()
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError:  # the Customs site serves Shift_JIS
        decoded = text.decode("cp932")
    rows = list(csv.reader(decoded.splitlines()))
    header = next(r for r in rows if r and r[0].startswith("Years/Months"))
    if header[1].strip() != "(千円)":
        raise ValueError(f"{path}: column 1 unit is {header[1]!r}, expected (千円)")
    out: dict[tuple[int, int], int | None] = {}
    for r in rows:
        m = MONTH.match(r[0].strip()) if r else None
        if not m:
            continue
        cell = r[1].strip()
        out[(int(m[1]), int(m[2]))] = None if cell in {"-", ""} else int(cell)
    return out


def yearly(monthly: dict[tuple[int, int], int | None]) -> dict[int, int]:
    """Calendar-year sums, only for years whose twelve months are all published."""
    years = sorted({y for y, _ in monthly})
    out = {}
    for y in years:
        vals = [monthly.get((y, m)) for m in range(1, 13)]
        if all(v is not None for v in vals):
            out[y] = sum(vals)  # type: ignore[arg-type]
    return out


def main(argv: list[str]) -> None:
    exports, imports = Path(argv[1]), Path(argv[2])
    first, last = (int(argv[3]), int(argv[4])) if len(argv) > 4 else (1900, 2100)
    ex, im = yearly(monthly_totals(exports)), yearly(monthly_totals(imports))
    print("year,exports_thousand_yen,imports_thousand_yen,exports_million_yen,imports_million_yen")
    for y in sorted(set(ex) | set(im)):
        if not first <= y <= last:
            continue
        e, i = ex.get(y), im.get(y)
        fmt = lambda v: "" if v is None else f"{v / 1000:.1f}"  # noqa: E731
        print(f"{y},{e or ''},{i or ''},{fmt(e)},{fmt(i)}")


if __name__ == "__main__":
    main(sys.argv)
