"""The store bench's synthetic agencies link across years as real ones do (bench/bench_store.py).

Its made-up names once carried digits (``东西123镇``), which ``linking.linkable``
refuses: no report linked to its previous year, and pass 3 never read one back.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from _reports import clean_result
from analyzer.agency import place_chain
from analyzer.linking import agency_key, link_years, linkable, year_candidates

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import bench_store  # noqa: E402


def test_every_name_of_100000_reports_is_a_place_that_links_and_names_one_agency():
    n_agencies = 100_000 // 5
    names = [bench_store.agency_name(no, n_agencies) for no in range(n_agencies)]
    keys = [agency_key(agency) for _, agency, _ in names]
    assert all(linkable(k) for k in keys)
    assert all(place_chain(agency)[0] == place for place, agency, _ in names)
    assert len(set(keys)) == n_agencies
    # two years of every agency: each report's only candidate is its own agency's report of the year before
    entries = [(f"{year}/{no:06d}", k, year) for year in (2019, 2020) for no, k in enumerate(keys)]
    found = year_candidates(entries)
    assert found == {f"2020/{no:06d}": [f"2019/{no:06d}"] for no in range(n_agencies)}


def test_varied_reports_of_one_agency_link_year_to_year():
    n_agencies, years = 40, 3
    rng = random.Random(0)
    base = clean_result()
    reports = [bench_store.vary(base, i, n_agencies, rng) for i in range(n_agencies * years)]
    assert {r.meta.year for r in reports} == {2019, 2020, 2021}
    previous = link_years(reports).previous
    # every report after the first year is linked, to the same agency's report of the year before
    assert len(previous) == n_agencies * (years - 1)
    for r in reports:
        if r.meta.year > 2019:
            before = previous[r.source]
            assert (before.meta.agency, before.meta.year) == (r.meta.agency, r.meta.year - 1)
    assert {r.meta.level for r in reports} == {"county", "township"}
