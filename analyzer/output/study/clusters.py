"""Boilerplate clusters of the store: statements grouped by near-duplication across the whole store.

The persisted index (:mod:`analyzer.output.neardup_index`) is brought up to
date first, which costs only the texts it has not seen. Clusters are the
connected components of its near-duplicate pairs (scipy), restricted to the
wordings the store's views use; their counts come from DuckDB, so memory
holds one integer per distinct wording, not the statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from analyzer.output import neardup_index
from analyzer.output.study.data import COPY_MAX_AGENCIES, create_lineage

MIN_SHINGLES = 10  # about 12 characters: shorter statements ("无。", short headings) are not boilerplate
# a report whose agency was not read is named by its file, not by its report id ("R09e8…" read as an agency's name)
AGENCY_NAME = "coalesce(r.agency, '机关未识别（' || regexp_extract(r.source, '[^/]+$') || '）')"


@dataclass(frozen=True)
class Member:
    """One report using a cluster's wording."""

    source: str
    agency: str
    year: int | None
    published: str | None
    group: str = ""  # the agency across its years and name forms (``occ.grp``)


@dataclass
class Cluster:
    text: str  # the most used wording, as written
    agencies: int  # distinct agencies (reports whose agency is unknown count one each)
    uses: int  # statements
    reports: int
    agency_names: list[str]  # the first agencies to use it (by year), at most five
    members: list[Member] = field(default_factory=list)  # one per report, for clusters of few agencies only


def find_clusters(con, store: Path) -> list[Cluster]:
    """Near-duplicate clusters used by at least two agencies, over the reports of the store's views."""
    import numpy as np
    import pyarrow as pa
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    neardup_index.update_index(store)
    neardup_index.index_views(con, store)
    create_lineage(con)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE occ AS SELECT t.node, s.report_id, s.text, "
        "coalesce(l.grp, r.agency_key, r.report_id) AS grp FROM statements s JOIN idx_texts t ON t.text_key = md5(s.text) "
        f"JOIN idx_nodes n ON n.node = t.node JOIN reports r USING (report_id) LEFT JOIN lineage l USING (report_id) "
        f"WHERE n.shingles >= {MIN_SHINGLES} "
        # every agency heads 总体情况's parts alike ("政府信息公开平台建设情况。"): no stock phrase, no copying
        "AND NOT coalesce(s.heading, false)"
    )
    nodes = con.execute("SELECT DISTINCT node FROM occ ORDER BY node").fetchnumpy()["node"]
    if not len(nodes):
        return []
    pairs = con.execute(
        "SELECT a, b FROM idx_pairs WHERE a IN (SELECT node FROM occ) AND b IN (SELECT node FROM occ)"
    ).fetchnumpy()
    a = np.searchsorted(nodes, pairs["a"]) if len(pairs["a"]) else np.array([], dtype=np.int64)
    b = np.searchsorted(nodes, pairs["b"]) if len(pairs["b"]) else np.array([], dtype=np.int64)
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(len(nodes), len(nodes)))
    _, labels = connected_components(graph, directed=False)
    con.register("node_comp", pa.table({"node": nodes, "comp": labels.astype(np.int64)}))
    rows = con.execute(
        f"""
        WITH o AS (SELECT o.*, c.comp FROM occ o JOIN node_comp c USING (node)),
        big AS (SELECT comp, count(DISTINCT grp) AS agencies, count(*) AS uses, count(DISTINCT report_id) AS reports
                FROM o GROUP BY comp HAVING count(DISTINCT grp) >= 2),
        wording AS (SELECT comp, text, count(*) AS n FROM o SEMI JOIN big USING (comp) GROUP BY comp, text
                    QUALIFY row_number() OVER (PARTITION BY comp ORDER BY n DESC, length(text), text) = 1),
        firsts AS (SELECT o.comp, {AGENCY_NAME} AS agency, min(coalesce(r.year, 9999)) AS y, min(r.source) AS src
                   FROM o JOIN reports r USING (report_id) SEMI JOIN big USING (comp) GROUP BY o.comp, {AGENCY_NAME}
                   QUALIFY row_number() OVER (PARTITION BY o.comp ORDER BY y, src) <= 5)
        SELECT big.comp, big.agencies, big.uses, big.reports, wording.text,
               (SELECT list(agency ORDER BY y, src) FROM firsts f WHERE f.comp = big.comp) AS names
        FROM big JOIN wording USING (comp) ORDER BY big.agencies DESC, big.uses DESC, wording.text
        """
    ).fetchall()
    clusters = {comp: Cluster(text, agencies, uses, reports, list(names or [])) for comp, agencies, uses, reports, text, names in rows}
    few = [comp for comp, c in clusters.items() if c.agencies <= COPY_MAX_AGENCIES]
    if few:
        con.register("few", pa.table({"comp": np.array(few, dtype=np.int64)}))
        members = con.execute(
            f"SELECT DISTINCT c.comp, r.source, {AGENCY_NAME}, r.year, CAST(r.published AS VARCHAR), o.grp "
            "FROM occ o JOIN node_comp c USING (node) JOIN few USING (comp) JOIN reports r USING (report_id) "
            "ORDER BY 1, 2"
        ).fetchall()
        for comp, source, agency, year, published, group in members:
            clusters[comp].members.append(Member(source, agency, year, published, group))
    return list(clusters.values())
