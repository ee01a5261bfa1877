"""The workbench (``analyzer serve``) under load: upload to ranking, page times, store size.

1. **Upload → ranked**: a fresh ``analyzer serve`` process on an empty
   workspace; N report files (varied from the corpus and the real reports, as
   ``bench_run.py`` makes them) are posted to ``POST /api/reports`` and the
   clock stops when ``GET /api/reports`` shows every one analysed and every
   readable one ranked (or listed as a duplicate). The first analysis of a
   server loads the models; that is part of the time, and said separately.
2. **Pages with 1,000 reports**: the workspace is filled up to 1,000 reports
   by storing copies of the analysed ones under new agency names (each a real
   reading, renamed; ``--fill analyse`` analyses 1,000 files instead, slower),
   the server is started again (its start-up time is printed), and every page
   and JSON route is timed over a sample of reports: median and p95.
3. **Store size**: the SQLite file and the kept uploads, in total and per report.

    .venv/bin/python bench/bench_serve.py                  # 100 uploads, 1,000 reports
    .venv/bin/python bench/bench_serve.py --upload 30 --store 300 --samples 20
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_run import make_variants  # noqa: E402
from support.serve import free_port, start_server, stop_server  # noqa: E402


def post_files(base: str, files: list[Path]) -> list[dict]:
    """One multipart request with every file (field ``files``)."""
    boundary = uuid.uuid4().hex
    body = bytearray()
    for f in files:
        body += f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{f.name}\"\r\n".encode()
        body += b"Content-Type: application/octet-stream\r\n\r\n" + f.read_bytes() + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    req = urllib.request.Request(base + "/api/reports", data=bytes(body), method="POST",
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(req, timeout=600) as r:
        assert r.status == 202, r.status
        return json.loads(r.read())["reports"]


def get(base: str, path: str) -> tuple[float, bytes]:
    t0 = time.perf_counter()
    with urllib.request.urlopen(base + path, timeout=120) as r:
        data = r.read()
    return time.perf_counter() - t0, data


def reports(base: str) -> list[dict]:
    return json.loads(get(base, "/api/reports")[1])["reports"]


def settled(rows: list[dict]) -> bool:
    return all(r["status"] == "unreadable" or (r["status"] == "done" and (r["rank"] or r.get("duplicate_of")))
               for r in rows)


def measure_upload(n: int, workspace: Path, variants: Path) -> dict:
    files = make_variants(n, variants)
    port = free_port()
    proc = start_server(workspace, port)
    base = f"http://127.0.0.1:{port}"
    try:
        t0 = time.perf_counter()
        posted = post_files(base, files)
        t_posted = time.perf_counter() - t0
        first_done = None
        while True:
            rows = reports(base)
            if first_done is None and any(r["status"] == "done" for r in rows):
                first_done = time.perf_counter() - t0
            # Files with the same bytes (binary variants are copies) are one report: count distinct ids.
            if len(rows) >= len({r["id"] for r in posted}) and settled(rows):
                break
            time.sleep(0.2)
        total = time.perf_counter() - t0
    finally:
        stop_server(proc)
    return {
        "files": n, "reports": len({r["id"] for r in posted}), "posted_s": round(t_posted, 2), "first_ranked_s": round(first_done or total, 2),
        "all_ranked_s": round(total, 2), "files_per_s": round(n / total, 2),
        "done": sum(r["status"] == "done" for r in rows), "unreadable": sum(r["status"] == "unreadable" for r in rows),
    }


def fill_by_copies(workspace: Path, target: int) -> int:
    """Store renamed copies of the analysed readings until the workspace holds ``target`` reports."""
    from analyzer.findings import with_ids
    from analyzer.pipeline import report_key
    from analyzer.serve.store import Store

    store = Store(workspace)
    originals = [(store.report(rid), reading) for rid, reading in store.readings()]
    have = len(store.reports())
    rng = random.Random(11)
    i = 0
    while have < target:
        row, reading = originals[i % len(originals)]
        i += 1
        agency = f"{rng.choice('东西南北中新安平和兴华宁康泰丰永昌顺义德')}{i}{reading.meta.agency or '某镇人民政府'}"
        meta = replace(reading.meta, agency=agency, title=(reading.meta.title or "").replace(reading.meta.agency or "@@", agency))
        rid = "r" + hashlib.sha256(f"copy{i}".encode()).hexdigest()[:12]
        copy = replace(reading, source=rid, meta=meta)
        copy = replace(copy, findings=with_ids([replace(f, id="") for f in copy.findings], report_key(meta, rid)))
        store.add_report(report_id=rid, sha256=row.sha256, file=f"副本{i}_{row.file}", batch="bench-fill")
        store.save_reading(rid, copy)
        have += 1
    store.close()
    return have


def fill_by_analysis(base: str, workspace: Path, target: int, variants: Path) -> int:
    have = len(reports(base))
    files = make_variants(target - have, variants, seed=99)
    for i in range(0, len(files), 100):
        post_files(base, files[i:i + 100])
    while not settled(rows := reports(base)):
        time.sleep(1)
    return len(rows)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]


def measure_pages(workspace: Path, samples: int) -> tuple[dict, float]:
    port = free_port()
    t0 = time.perf_counter()
    proc = start_server(workspace, port, timeout=600)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:  # the server answers at once; the first full pass over the store may still run
            rows = reports(base)
            if settled(rows):
                break
            time.sleep(0.5)
        startup = time.perf_counter() - t0
        # Ready: every agency's reports finished. Then the pass over all reports runs in the
        # background (text shared across agencies); the pages are timed after it.
        while "跨报告比对进行中" in get(base, "/")[1].decode("utf-8"):
            time.sleep(0.5)
        cross = time.perf_counter() - t0
        rows = reports(base)
        ranked = [r for r in rows if r["rank"]]
        rng = random.Random(5)
        sample = rng.sample(ranked, min(samples, len(ranked)))
        years = sorted({r["year"] for r in ranked})
        big_year = max(years, key=lambda y: sum(r["year"] == y for r in ranked))
        routes: dict[str, list[str]] = {
            "GET / (ranking, largest year)": [f"/?year={big_year}"] * samples,
            "GET /?q=… (search)": [f"/?year={big_year}&q={urllib.parse.quote((r['agency'] or r['id'])[:2])}" for r in sample],
            "GET /?sort=substance&desc=true": [f"/?year={big_year}&sort=substance&desc=true"] * samples,
            "GET /reports/{id}": [f"/reports/{r['id']}" for r in sample],
            "GET /reports/{id}/cells/{key}": [f"/reports/{r['id']}/cells/applications.new_received.total" for r in sample],
            "GET /reports/{id}/review": [f"/reports/{r['id']}/review" for r in sample],
            "GET /reports/{id}/rectification": [f"/reports/{r['id']}/rectification" for r in sample],
            "GET /api/reports": ["/api/reports"] * max(5, samples // 4),
            "GET /api/reports/{id}": [f"/api/reports/{r['id']}" for r in sample],
            "GET /api/reports/{id}/review.docx": [f"/api/reports/{r['id']}/review.docx" for r in sample],
            "GET /api/rankings/{year}.xlsx": [f"/api/rankings/{big_year}.xlsx"] * max(5, samples // 4),
        }
        out = {}
        for name, paths in routes.items():
            times = [get(base, p)[0] for p in paths]
            out[name] = (statistics.median(times), pct(times, 0.95), len(times))
        # A decision: stored, the report scored again, the year's ranking recomputed on the next page.
        times = []
        for r in sample:
            data = json.loads(get(base, f"/api/reports/{r['id']}")[1])
            if not data["findings"]:
                continue
            fid = data["findings"][0]["id"]
            body = json.dumps({"decision": "dismissed", "reason": "基准测试"}).encode()
            req = urllib.request.Request(f"{base}/api/findings/{fid}/decision", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
            t = time.perf_counter()
            urllib.request.urlopen(req, timeout=60).read()
            get(base, f"/?year={r['year']}")
            times.append(time.perf_counter() - t)
        if times:
            out["POST decision + GET its year's ranking"] = (statistics.median(times), pct(times, 0.95), len(times))
        return out, (startup, cross)
    finally:
        stop_server(proc)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--upload", type=int, default=100, help="files posted for the upload→ranked timing")
    ap.add_argument("--store", type=int, default=1000, help="reports in the store for the page timings")
    ap.add_argument("--samples", type=int, default=40, help="requests per route")
    ap.add_argument("--fill", choices=("copies", "analyse"), default="copies")
    args = ap.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)

    tmp = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    try:
        ws = tmp / "ws"
        (tmp / "variants").mkdir()
        up = measure_upload(args.upload, ws, tmp / "variants")
        print(f"upload → ranked: {up['files']} files ({up['reports']} distinct reports) in one request (posted in {up['posted_s']} s); "
              f"first report ranked after {up['first_ranked_s']} s (includes loading the models), "
              f"all ranked after {up['all_ranked_s']} s ({up['files_per_s']} files/s; "
              f"{up['done']} analysed, {up['unreadable']} unreadable)")
        if args.fill == "copies":
            n = fill_by_copies(ws, args.store)
        else:
            port = free_port()
            proc = start_server(ws, port)
            try:
                (tmp / "more").mkdir()
                n = fill_by_analysis(f"http://127.0.0.1:{port}", ws, args.store, tmp / "more")
            finally:
                stop_server(proc)
        pages, (ready, cross) = measure_pages(ws, args.samples)
        print(f"\npages with {n} reports in the store (server start: ready after {ready:.1f} s, every agency's reports "
              f"finished; the pass over all reports done after {cross:.1f} s)")
        print(f"{'route':44} {'median ms':>10} {'p95 ms':>8} {'n':>4}")
        for name, (med, p95, count) in pages.items():
            print(f"{name:44} {med * 1000:10.1f} {p95 * 1000:8.1f} {count:4d}")
        from analyzer.serve.store import Store

        store = Store(ws)
        size = store.size_bytes()
        count = len(store.reports())
        store.close()
        total = size["database"] + size["uploads"]
        print(f"\nstore size: database {size['database'] / 1e6:.1f} MB + uploads {size['uploads'] / 1e6:.1f} MB "
              f"= {total / 1e6:.1f} MB for {count} reports ({size['database'] / count / 1e3:.0f} kB of database per report)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
