"""A persisted MinHash LSH index of the store's statements: near-duplicates at scale, added to run by run.

``narrative.neardup`` compares the statements of one run in memory (exactly,
or through datasketch's MinHash LSH above 5,000 statements). Across 100,000
reports, 4 million statements, that does not fit; this index keeps the same
definition of a near-duplicate (Jaccard of character 3-grams after
``neardup.normalize`` ≥ ``neardup.NEAR_DUPLICATE``) on disk, in
``store/neardup/``:

- ``texts``: every distinct statement text (``md5`` of it, as DuckDB computes
  it) and its node;
- ``nodes``: a node is one normalised wording (so the same sentence in 5,000
  reports is one node), with its sequence number in the index;
- ``bands``: the node's datasketch MinHash (64 permutations, seed 1) cut into
  the bands of ``MinHashLSH`` at ``NEAR_DUPLICATE`` × 0.85 (12 bands of 5);
- ``pairs``: node pairs whose Jaccard, computed exactly, is ≥ ``NEAR_DUPLICATE``.

Candidates are nodes that share a band bucket, as in LSH, but a node is
compared only with the first ``HEADS`` nodes that entered each of its buckets
(the heads), not with every member: a stock sentence written with 10,000
different agency names is 10,000 nodes in one bucket, whose full comparison
would be 50 million pairs. Each node still meets up to 12 × 16 others like
it, which keeps near-duplicate groups connected.

:func:`update_index` adds what the store holds and the index does not: new
texts, their nodes and bands, and the pairs that involve a new node (a new
node against the heads; a node that became a head against its bucket), searched
one range of node ids at a time so that its memory does not grow with the store. The
heads of a bucket never change once chosen (sequence order), so an update
gives the same index as building it again from scratch, at the cost of the new
reports only.
"""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path
from typing import Iterable, Iterator

from analyzer.narrative import neardup

INDEX = "neardup"
PARTS = ("texts", "nodes", "bands", "pairs")
HEADS = 16
CHUNK = 20_000
BAND_SLICE = 1_000  # nodes whose bands are made columnar at once (12 rows a node)
HEAD_ROWS = 10_000  # band rows whose buckets' heads are chosen in one query (a band of 10,000 reports: 7,000)
# Candidate pairs (before DISTINCT) searched at once: DuckDB's share of the index's memory. Ranges of
# 2 million held DuckDB at its 128 MB cap at 100,000 reports; of 250,000, 10 to 40 MB.
PAIRS_PER_PART = 250_000
NODE_IDS = 2**63  # node ids lie in [0, NODE_IDS) (node_of)
# The pair search counts its candidates per slice of 2**SLICE_BITS node ids to cut its ranges: 2**15
# slices at most, and at 100,000 reports the fullest held 270,000 candidates, a range of its own.
SLICE_BITS = 48
LSH_THRESHOLD = neardup.NEAR_DUPLICATE * 0.85  # looser than the definition: candidates are confirmed exactly


def lsh_bands() -> list[tuple[int, int]]:
    """The (start, end) permutation ranges of datasketch's MinHashLSH for our threshold."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=neardup.MINHASH_PERM)
    return [(i * lsh.r, (i + 1) * lsh.r) for i in range(lsh.b)]


def node_of(norm: str) -> int:
    """A node's id: 63 bits of a hash of the normalised wording."""
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest(), "big") >> 1


def _int64(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big") >> 1


class _Signer:
    """datasketch MinHashes with the permutations made once (making them is most of a MinHash's cost)."""

    def __init__(self):
        from datasketch import MinHash

        self._template = MinHash(num_perm=neardup.MINHASH_PERM, seed=1)
        self.bands = lsh_bands()

    def band_keys(self, shingle_set: frozenset[str]) -> list[int]:
        from datasketch import MinHash

        t = self._template
        mh = MinHash(num_perm=t.hashvalues.size, seed=1, permutations=t.permutations, scheme=t.scheme)
        mh.update_batch([g.encode("utf-8") for g in sorted(shingle_set)])
        hv = mh.hashvalues
        return [_int64(hv[a:b].tobytes()) for a, b in self.bands]


def _glob(folder: Path) -> str:
    return str(folder.resolve() / "*.parquet").replace("'", "''")


def _has_parts(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob("*.parquet"))


def index_views(con, store: Path) -> None:
    """Views ``idx_texts``, ``idx_nodes``, ``idx_bands``, ``idx_pairs`` over the index (empty when none)."""
    empty = {
        "texts": "SELECT NULL::VARCHAR AS text_key, NULL::BIGINT AS node WHERE false",
        "nodes": "SELECT NULL::BIGINT AS node, NULL::BIGINT AS seq, NULL::VARCHAR AS norm, NULL::INTEGER AS shingles WHERE false",
        "bands": "SELECT NULL::TINYINT AS band, NULL::BIGINT AS key, NULL::BIGINT AS node, NULL::BIGINT AS seq WHERE false",
        "pairs": "SELECT NULL::BIGINT AS a, NULL::BIGINT AS b, NULL::FLOAT AS similarity WHERE false",
    }
    for part in PARTS:
        folder = Path(store) / INDEX / part
        body = f"SELECT * FROM read_parquet('{_glob(folder)}')" if _has_parts(folder) else empty[part]
        con.execute(f"CREATE OR REPLACE VIEW idx_{part} AS {body}")


def update_index(store: Path, *, statements: Path | None = None, heads: int = HEADS, chunk: int = CHUNK,
                 pairs_per_part: int = PAIRS_PER_PART, con=None) -> dict[str, int]:
    """Add the store's new statement texts to the index; returns how many texts, nodes, pairs were added.

    ``statements``: a folder of Parquet files with a ``text`` column to read
    instead of the store's ``statements`` (a run not written to the store yet).
    ``con``: the caller's DuckDB connection (a streamed run's, so that one memory cap
    bounds every run-level stage); else one of its own.
    """
    from analyzer.output.store import RUN_MEMORY, duckdb_connection

    store = Path(store)
    statements = Path(statements) if statements is not None else store / "statements"
    if con is not None:
        return _update(con, store, statements, heads, chunk, pairs_per_part)
    con = duckdb_connection(RUN_MEMORY)
    try:
        return _update(con, store, statements, heads, chunk, pairs_per_part)
    finally:
        con.close()


def _update(con, store: Path, statements: Path, heads: int, chunk: int, pairs_per_part: int = PAIRS_PER_PART) -> dict[str, int]:
    # What each batch freed goes back to the system before the next: at 100,000 reports the pages kept
    # by glibc and pyarrow from the texts' batches stood under the nodes' and the pairs' steps.
    from analyzer.output.store import release_memory

    index_views(con, store)
    if not _has_parts(statements):
        return {"texts": 0, "nodes": 0, "pairs": 0}
    name = _update_name(store)
    writer = _Parts(store / INDEX, name)
    # 1. texts the index has not seen, and their nodes
    new_texts = con.execute(
        f"SELECT DISTINCT md5(text) AS text_key, text FROM read_parquet('{_glob(statements)}') "
        "WHERE md5(text) NOT IN (SELECT text_key FROM idx_texts) ORDER BY text_key"
    )
    n_texts = 0
    while rows := new_texts.fetchmany(chunk):
        norms = [neardup.normalize(text) for _, text in rows]
        ids = [node_of(norm) for norm in norms]
        writer.add("texts", {"text_key": [key for key, _ in rows], "node": ids})
        writer.add("candidates", {"node": ids, "norm": norms, "shingles": [len(neardup.shingles(n)) for n in norms]})
        n_texts += len(rows)
        release_memory()
    writer.flush_all()
    if not n_texts:
        return {"texts": 0, "nodes": 0, "pairs": 0}
    # 2. nodes not in the index yet, numbered after the last one
    old_max = con.execute("SELECT coalesce(max(seq), -1) FROM idx_nodes").fetchone()[0]
    candidates = _glob(store / INDEX / "candidates")
    fresh = con.execute(
        f"SELECT node, any_value(norm) AS norm, any_value(shingles) AS shingles FROM read_parquet('{candidates}') "
        "WHERE node NOT IN (SELECT node FROM idx_nodes) GROUP BY node ORDER BY node"
    )
    signer = _Signer()
    seq = old_max
    n_nodes = 0
    while rows := fresh.fetchmany(chunk):
        writer.add("nodes", {"node": [r[0] for r in rows], "seq": list(range(seq + 1, seq + 1 + len(rows))),
                             "norm": [r[1] for r in rows], "shingles": [r[2] for r in rows]})
        # A chunk's bands are 12 rows a node: made columnar a slice of nodes at a time (as rows they
        # were ~70 MB for 20,000 nodes), and flushed as a whole chunk, so the part files do not change.
        for start in range(0, len(rows), BAND_SLICE):
            bands: dict[str, list] = {"band": [], "key": [], "node": [], "seq": []}
            for k, (node, norm, n_shingles) in enumerate(rows[start:start + BAND_SLICE], seq + 1 + start):
                if n_shingles >= neardup.MIN_SHINGLES:
                    for band, key in enumerate(signer.band_keys(neardup.shingles(norm))):
                        bands["band"].append(band)
                        bands["key"].append(key)
                        bands["node"].append(node)
                        bands["seq"].append(k)
            writer.add("bands", bands, flush=start + BAND_SLICE >= len(rows))
        seq += len(rows)
        n_nodes += len(rows)
        release_memory()
    writer.flush_all()
    for p in (store / INDEX / "candidates").glob("*.parquet"):
        p.unlink()
    (store / INDEX / "candidates").rmdir()
    # 3. pairs that involve a new node: every member against the heads of its buckets
    index_views(con, store)
    n_pairs = 0
    for rows in batched(_candidates(con, old_max, heads, pairs_per_part), chunk):
        norms = _norms(con, {n for pair in rows for n in pair})
        kept: dict[str, list] = {"a": [], "b": [], "similarity": []}
        for a, b in rows:
            sim = neardup.jaccard(neardup.shingles(norms[a]), neardup.shingles(norms[b]))
            if sim >= neardup.NEAR_DUPLICATE:
                kept["a"].append(a)
                kept["b"].append(b)
                kept["similarity"].append(sim)
        writer.add("pairs", kept)
        n_pairs += len(kept["a"])
        release_memory()
    writer.flush_all()
    con.execute("DROP TABLE IF EXISTS idx_heads")
    return {"texts": n_texts, "nodes": n_nodes, "pairs": n_pairs}


def _candidates(con, old_max: int, heads: int, pairs_per_part: int) -> Iterator[tuple[int, int]]:
    """Candidate pairs (a < b) that involve a node numbered after ``old_max``, in (a, b) order.

    The pairs are found one range of ``a`` at a time, each range holding about
    ``pairs_per_part`` candidates: a DISTINCT and a sort over every candidate of
    100,000 reports (millions of pairs) is what made the index's memory grow
    with the run. The ranges are cut where the candidates lie (:func:`id_ranges`,
    from a count per slice of the id space): a bucket's heads are its first
    nodes, which are its smallest ids in an index built at once, so the
    smaller id of a pair crowds the low ids (at 100,000 reports, 71 % of the
    pairs in the first twentieth). A range is a filter on one side of the join
    before it is made (the pair's smaller id is the band row's, or the
    head's), so a range costs its own rows. Only ids are sorted: the wordings
    compared are looked up per batch (:func:`_norms`), not carried through the sort.
    """
    # The first nodes of each bucket, and the candidates counted, one band and one range of bucket keys at
    # a time (about HEAD_ROWS band rows): a window over every band at once is what DuckDB cannot spill,
    # and one band of 100,000 reports (70,000 rows) still took 30 MB where one of 10,000 took 10. Bucket
    # keys, like node ids, are 63-bit hashes: equal ranges of them hold about equal rows.
    con.execute("CREATE OR REPLACE TABLE idx_heads (band TINYINT, key BIGINT, node BIGINT, seq BIGINT)")
    new = f"(x.seq > {int(old_max)} OR h.seq > {int(old_max)})"
    slices: dict[int, int] = {}
    for band, rows in con.execute("SELECT band, count(*) FROM idx_bands GROUP BY band ORDER BY band").fetchall():
        steps = -(-rows // HEAD_ROWS)
        for k in range(steps):
            keys = f"band = {int(band)} AND key BETWEEN {NODE_IDS * k // steps} AND {NODE_IDS * (k + 1) // steps - 1}"
            con.execute(f"""
                INSERT INTO idx_heads SELECT band, key, node, seq FROM idx_bands WHERE {keys}
                QUALIFY row_number() OVER (PARTITION BY key ORDER BY seq) <= {int(heads)}
            """)
            for s, n in con.execute(f"""
                SELECT least(x.node, h.node) >> {SLICE_BITS} AS s, count(*)
                FROM (SELECT * FROM idx_bands WHERE {keys}) x JOIN (SELECT * FROM idx_heads WHERE {keys}) h USING (key)
                WHERE x.node <> h.node AND {new} GROUP BY s
            """).fetchall():
                slices[s] = slices.get(s, 0) + n
    cur = con.cursor()  # the batches' wordings are looked up on ``con`` while this one streams
    for lo, hi in id_ranges(slices, pairs_per_part):
        within = f"BETWEEN {lo} AND {hi}"
        cur.execute(f"""
            SELECT DISTINCT a, b FROM (
                SELECT x.node AS a, h.node AS b FROM (SELECT * FROM idx_bands WHERE node {within}) x
                JOIN idx_heads h USING (band, key) WHERE x.node < h.node AND {new}
                UNION ALL
                SELECT h.node, x.node FROM idx_bands x JOIN (SELECT * FROM idx_heads WHERE node {within}) h
                USING (band, key) WHERE h.node < x.node AND {new}
            ) ORDER BY a, b
        """)
        while rows := cur.fetchmany(10_000):
            yield from rows
    cur.close()


def id_ranges(slices: dict[int, int], per_part: int) -> list[tuple[int, int]]:
    """Ranges (first, last id) that cover the node ids [0, NODE_IDS) without gap or overlap, cut at slice edges.

    ``slices``: rows per slice of ``2**SLICE_BITS`` ids (here the candidates by
    the pair's smaller id; in ``scale`` the neighbours by node). A range gathers
    consecutive slices up to ``per_part`` rows; a slice holding more is a range
    of its own.
    """
    cuts = [0]
    held = 0
    for s in sorted(slices):
        if held and held + slices[s] > per_part:
            cuts.append(s << SLICE_BITS)
            held = 0
        held += slices[s]
    return [(lo, hi - 1) for lo, hi in zip(cuts, cuts[1:] + [NODE_IDS])]


def _norms(con, nodes: set[int]) -> dict[int, str]:
    """The normalised wording of each of ``nodes`` (a batch of candidates), from the index."""
    import pyarrow as pa

    con.register("idx_want", pa.table({"node": pa.array(sorted(nodes), pa.int64())}))
    try:
        return dict(con.execute("SELECT n.node, n.norm FROM idx_nodes n SEMI JOIN idx_want w ON w.node = n.node").fetchall())
    finally:
        con.unregister("idx_want")


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Consecutive lists of ``size`` items (the last one shorter): the batches ``fetchmany(size)`` gave."""
    it = iter(items)
    while batch := list(itertools.islice(it, size)):
        yield batch


def _update_name(store: Path) -> str:
    """Part files of one update: numbered after the index's earlier updates."""
    folder = store / INDEX / "texts"
    done = len({p.name.split("-")[0] for p in folder.glob("*.parquet")}) if folder.is_dir() else 0
    return f"u{done:05d}"


class _Parts:
    """Rows of each index table, written as numbered part files of one update.

    Rows arrive as columns and are kept as Arrow batches until a table holds
    ``CHUNK`` rows; a part file is one contiguous table, as when it was made
    from a list of rows (the same bytes).
    """

    SCHEMAS = {
        "texts": (("text_key", "string"), ("node", "int64")),
        "candidates": (("node", "int64"), ("norm", "string"), ("shingles", "int32")),
        "nodes": (("node", "int64"), ("seq", "int64"), ("norm", "string"), ("shingles", "int32")),
        "bands": (("band", "int8"), ("key", "int64"), ("node", "int64"), ("seq", "int64")),
        "pairs": (("a", "int64"), ("b", "int64"), ("similarity", "float32")),
    }

    def __init__(self, root: Path, name: str):
        self.root, self.name = root, name
        self.batches: dict[str, list] = {t: [] for t in self.SCHEMAS}
        self.rows: dict[str, int] = {t: 0 for t in self.SCHEMAS}
        self.count: dict[str, int] = {t: 0 for t in self.SCHEMAS}

    def schema(self, table: str):
        import pyarrow as pa

        return pa.schema([(n, getattr(pa, t)()) for n, t in self.SCHEMAS[table]])

    def add(self, table: str, columns: dict[str, list], flush: bool = True) -> None:
        """Add rows given as columns; ``flush``: write a part file if the table now holds ``CHUNK`` rows."""
        import pyarrow as pa

        batch = pa.RecordBatch.from_pydict(columns, schema=self.schema(table))
        if batch.num_rows:
            self.batches[table].append(batch)
            self.rows[table] += batch.num_rows
        if flush and self.rows[table] >= CHUNK:
            self.flush(table)

    def flush_all(self) -> None:
        for table in self.SCHEMAS:
            self.flush(table)

    def flush(self, table: str) -> None:
        if not self.rows[table]:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        folder = self.root / table
        folder.mkdir(parents=True, exist_ok=True)
        data = pa.Table.from_batches(self.batches[table], schema=self.schema(table)).combine_chunks()
        pq.write_table(data, folder / f"{self.name}-{self.count[table]:05d}.parquet", compression="zstd")
        self.count[table] += 1
        self.batches[table] = []
        self.rows[table] = 0
