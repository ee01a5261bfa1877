"""Helpers shared by every stage that raises findings: stable ids and ordering."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Iterable

from analyzer.model import Finding

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def finding_id(report_key: str, rule: str, where: str) -> str:
    """A stable id: the same finding of the same report keeps it across runs and versions.

    ``report_key`` identifies the report by what it says (agency + year), not by
    its file name, so a renamed or re-downloaded file keeps its ids.
    """
    digest = hashlib.sha1(f"{report_key}\x1f{rule}\x1f{where}".encode("utf-8")).hexdigest()
    return f"F{digest[:10]}"


def with_ids(findings: Iterable[Finding], report_key: str) -> tuple[Finding, ...]:
    """Give every finding its id and sort errors first, then by rule and place."""
    out = []
    seen: dict[str, int] = {}
    for f in findings:
        fid = f.id or finding_id(report_key, f.rule, f.where)
        # Two findings of one rule at one place (rare) still get distinct ids.
        n = seen.get(fid, 0)
        seen[fid] = n + 1
        if n:
            fid = f"{fid}-{n}"
        out.append(replace(f, id=fid))
    return tuple(sorted(out, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.rule, f.where, f.id)))
