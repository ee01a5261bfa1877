"""Running text cut into label words and digit runs.

A line of running text where numbers run into the labels ("行政许可2293第二十条…",
"一、本年新收政府信息公开申请数量230 000023") is chunked into ("label", words) and
("num", run) pieces; a run with a stray dash or digit-like letter inside
("640-020470", "12l0100") is one ("bad", run) piece, never cut into a number and
a label. Numbers that are part of the words are not runs: "2021年", "保留4位小数",
"（其中修订16件）", the "2." that numbers the next label.
"""

from __future__ import annotations

import re

from analyzer.ingest.normalize import nfkc

_NUM_RUN = re.compile(r"[+\-－−]?\d[\d.,，]*(?:[ \u00a0\u3000]+\d[\d.,，]*)*")
# A digit run with a stray dash or a digit-like letter inside ("640-020470", "12l0100", "000000l"
# before the next label): one damaged run, never cut into a number and a label.
_BAD_RUN = re.compile(r"\d[\d.,，]*(?:[-—–―－‐~][\d.,，]*\d[\d.,，]*|[lIOo](?![A-Za-z])[\d.,，]*)+")
_RUNS = re.compile(f"{_BAD_RUN.pattern}|{_NUM_RUN.pattern}")
# A number followed by one of these is part of the words ("2021年", "4位小数", "3条").
_WORD_UNIT = re.compile(r"^\s*(?:年|月|日|号|位|项|个|件|条|次|名|家|人|户|天|批|期|%|％|余|多|万|亿|小时|分钟|周|类|起|宗|篇|份|场|本|期)")
_LABEL_NUMBER = re.compile(r"^\s*[.．、]\s*(?=\D)")


def chunk_field(text: str) -> list[tuple[str, str]]:
    """Split a mixed field into ("label", text) and ("num", run) chunks; a run with a stray character is ("bad", run).

    >>> chunk_field("规章000行政规范性文件693665")
    [('label', '规章'), ('num', '000'), ('label', '行政规范性文件'), ('num', '693665')]
    >>> chunk_field("00000002.其他法律行政法规禁止公开0000000")
    [('num', '0000000'), ('label', '2.其他法律行政法规禁止公开'), ('num', '0000000')]
    >>> chunk_field("一、本年新收政府信息公开申请数量640-020470二、上年结转")
    [('label', '一、本年新收政府信息公开申请数量'), ('bad', '640-020470'), ('label', '二、上年结转')]
    """
    s = nfkc(text)
    out: list[tuple[str, str]] = []
    label = ""
    pos = 0
    for m in _RUNS.finditer(s):
        start, end = m.span()
        run = m.group(0)
        before = s[pos:start]
        after = s[end:]
        prev_char = s[start - 1] if start else ""
        # "第3" / "（6" / letters: part of the words.
        if (prev_char and prev_char in "第（(〔[【") or re.match(r"[A-Za-z]", prev_char or " ") or _WORD_UNIT.match(after):
            label += before + run
            pos = end
            continue
        if run.endswith((".", "．")) and after[:1] and not after[:1].isdigit():
            # "…00000002.其他法律": the run swallowed the label's own "2.".
            after = run[-1] + after
            run = run[:-1]
            end -= 1
        if _LABEL_NUMBER.match(after) and not after.lstrip().startswith(("..", "．．")):
            # The next label's own number ("…00000002.其他法律"): 1–2 digits
            # written just before "." or "、" belong to the label.
            stripped = run.rstrip(".,，")
            # Template sub-items are numbered 1–8: one digit is the label's.
            tail = re.search(r"(\d)$", stripped)
            body = stripped[: tail.start()] if tail else ""
            label += before
            if body.strip():
                if label.strip():
                    out.append(("label", label.strip()))
                out.append((_run_kind(body), body.strip()))
                label = ""
            label += (tail.group(1) if tail else stripped)
            pos = end
            continue
        label += before
        if label.strip():
            out.append(("label", label.strip()))
        label = ""
        out.append((_run_kind(run), run.strip().rstrip(".,，")))
        pos = end
    label += s[pos:]
    if label.strip():
        out.append(("label", label.strip()))
    return out


def _run_kind(run: str) -> str:
    return "bad" if _BAD_RUN.search(run) else "num"
