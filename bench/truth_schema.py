"""The national templates and their arithmetic, written out from ``spec/tables.md``.

The truth benchmark (``bench/variants.py``, ``bench/bench_truth.py``) must not
borrow its idea of the tables from the package it measures, so the row and
column labels, the canonical keys and the rules the numbers warrant are
restated here, independently of ``analyzer.tables.schema``.

Locations are canonical keys (see ``locations`` in ``bench/bench_truth.py``):
``report``, a table (``applications``), a row (``applications.new_received``),
a column (``applications.natural_person``), a group (``review_litigation.review``)
or a cell (``applications.new_received.total``).
"""

from __future__ import annotations

import copy
import re
from itertools import product

# ---------------------------------------------------------------- 三 applications

APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "public_interest_org",
              "legal_service_org", "other_org", "total")
APPLICANT_PARTS = APPLICANTS[:-1]
APPLICANT_LABELS = {
    "natural_person": "自然人", "commercial_enterprise": "商业企业", "research_institution": "科研机构",
    "public_interest_org": "社会公益组织", "legal_service_org": "法律服务机构", "other_org": "其他", "total": "总计",
}
RESULTS = "三、本年度办理结果"
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# key -> label parts as the template prints them: (top,), (三, sub) or (三, sub, item)
_DENIED = "（三）不予公开"
_UNABLE = "（四）无法提供"
_NOT_PROCESSED = "（五）不予处理"
_OTHER = "（六）其他处理"
APP_ROWS_2021: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("new_received", ("一、本年新收政府信息公开申请数量",)),
    ("carried_over", ("二、上年结转政府信息公开申请数量",)),
    ("granted", (RESULTS, "（一）予以公开")),
    ("partially_granted", (RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
    ("denied_state_secret", (RESULTS, _DENIED, "1.属于国家秘密")),
    ("denied_prohibited_by_law", (RESULTS, _DENIED, "2.其他法律行政法规禁止公开")),
    ("denied_security_stability", (RESULTS, _DENIED, "3.危及“三安全一稳定”")),
    ("denied_third_party", (RESULTS, _DENIED, "4.保护第三方合法权益")),
    ("denied_internal_affairs", (RESULTS, _DENIED, "5.属于三类内部事务信息")),
    ("denied_process_info", (RESULTS, _DENIED, "6.属于四类过程性信息")),
    ("denied_enforcement_files", (RESULTS, _DENIED, "7.属于行政执法案卷")),
    ("denied_query_matters", (RESULTS, _DENIED, "8.属于行政查询事项")),
    ("unable_not_held", (RESULTS, _UNABLE, "1.本机关不掌握相关政府信息")),
    ("unable_needs_creation", (RESULTS, _UNABLE, "2.没有现成信息需要另行制作")),
    ("unable_unclear", (RESULTS, _UNABLE, "3.补正后申请内容仍不明确")),
    ("not_processed_petition", (RESULTS, _NOT_PROCESSED, "1.信访举报投诉类申请")),
    ("not_processed_repeated", (RESULTS, _NOT_PROCESSED, "2.重复申请")),
    ("not_processed_publication", (RESULTS, _NOT_PROCESSED, "3.要求提供公开出版物")),
    ("not_processed_excessive", (RESULTS, _NOT_PROCESSED, "4.无正当理由大量反复申请")),
    ("not_processed_confirmation", (RESULTS, _NOT_PROCESSED, "5.要求行政机关确认或重新出具已获取信息")),
    ("other_no_correction", (RESULTS, _OTHER, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")),
    ("other_fee_unpaid", (RESULTS, _OTHER, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")),
    ("other_other", (RESULTS, _OTHER, "3.其他")),
    ("results_total", (RESULTS, "（七）总计")),
    ("carried_forward", ("四、结转下年度继续办理",)),
)
APP_ROWS_2019 = tuple(
    r for r in APP_ROWS_2021 if not r[0].startswith("other_")
)[:20] + (("other_processing", (RESULTS, _OTHER)),) + (APP_ROWS_2021[-2], APP_ROWS_2021[-1])


def app_rows(template: str | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return APP_ROWS_2019 if template == "2019" else APP_ROWS_2021


def result_rows(template: str | None) -> tuple[str, ...]:
    return tuple(k for k, _ in app_rows(template) if k not in ("new_received", "carried_over", "results_total", "carried_forward"))


# ---------------------------------------------------------------- 二 active disclosure

# (block title, column labels, [(row key, row label)], column keys)
ACTIVE_2021 = (
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
     (("rules", "规章"), ("normative_documents", "行政规范性文件")), ("issued", "repealed", "in_force")),
    ("第二十条第（五）项", ("本年处理决定数量",), (("administrative_license", "行政许可"),), ("decisions",)),
    ("第二十条第（六）项", ("本年处理决定数量",),
     (("administrative_penalty", "行政处罚"), ("administrative_coercion", "行政强制")), ("decisions",)),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), (("administrative_fees", "行政事业性收费"),), ("amount_10k_yuan",)),
)
ACTIVE_2019 = (
    ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
     (("rules", "规章"), ("normative_documents", "规范性文件")), ("new_made", "new_published", "total_published")),
    ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
     (("administrative_license", "行政许可"), ("other_external_services", "其他对外管理服务事项")),
     ("prev_items", "change", "decisions")),
    ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
     (("administrative_penalty", "行政处罚"), ("administrative_coercion", "行政强制")), ("prev_items", "change", "decisions")),
    ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), (("administrative_fees", "行政事业性收费"),), ("prev_items", "change")),
    ("第二十条第（九）项", ("采购项目数量", "采购总金额"), (("government_procurement", "政府集中采购"),),
     ("procurement_items", "procurement_amount")),
)


def active_blocks(template: str | None):
    return ACTIVE_2019 if template == "2019" else ACTIVE_2021


# ---------------------------------------------------------------- 四 review and litigation

GROUPS = ("review", "litigation_direct", "litigation_after_review")
GROUP_LABELS = {"review": "行政复议", "litigation_direct": "未经复议直接起诉", "litigation_after_review": "复议后起诉"}
OUTCOMES = ("upheld", "corrected", "other", "pending", "total")
OUTCOME_LABELS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计"}

SECTION_TITLES = {
    "overview": "一、总体情况",
    "active_disclosure": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}
SECTION_KEYS = tuple(SECTION_TITLES)


def cells(tables: dict):
    """Every (key, value) of a tables dict, keys ``table.row.col``."""
    for table, rows in tables.items():
        for row, cols in rows.items():
            for col, v in cols.items():
                yield f"{table}.{row}.{col}", v


def get(tables: dict, key: str):
    t, r, c = key.split(".")
    return tables.get(t, {}).get(r, {}).get(c)


def put(tables: dict, key: str, value) -> None:
    t, r, c = key.split(".")
    tables.setdefault(t, {}).setdefault(r, {})[c] = value


def empty_tables(template: str | None) -> dict:
    out: dict = {"active_disclosure": {}, "applications": {}, "review_litigation": {}}
    for _, _, rows, cols in active_blocks(template):
        for key, _ in rows:
            out["active_disclosure"][key] = {c: None for c in cols}
    for key, _ in app_rows(template):
        out["applications"][key] = {c: None for c in APPLICANTS}
    for g in GROUPS:
        out["review_litigation"][g] = {o: None for o in OUTCOMES}
    return out


def normalised(tables: dict, template: str | None) -> dict:
    """The tables in the template's full shape (every row and column key present)."""
    out = empty_tables(template)
    for key, v in cells(tables):
        t, r, c = key.split(".")
        if r in out.get(t, {}) and c in out[t][r]:
            out[t][r][c] = v
    return out


# ---------------------------------------------------------------- what the numbers warrant

LOCAL_GOVERNMENT = re.compile(r"(?:人民政府|人民政府办公厅|人民政府办公室)$")


def rule_power(agency: str, level: str | None) -> bool | None:
    """tables.md "Legal powers": True / False, None where the spec leaves it open (管委会)."""
    if level == "national":
        return True
    if level in ("county", "township"):
        return False
    if LOCAL_GOVERNMENT.search(agency):
        return True  # a province's or 设区的市's government (or its 办公厅 reporting for it)
    if "管委会" in agency or "管理委员会" in agency:
        return None
    return False  # a department of a local government


def table_findings(tables: dict, template: str | None, agency: str, level: str | None, year: int | None,
                   absent_rows: frozenset[str] = frozenset()) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(required, optional) findings as (rule, location) that the tables themselves warrant.

    ``absent_rows`` are rows (``table.row``) whose label the document does not print:
    they are missing rows, not rows of missing cells. Null cells of printed rows are
    missing cells. Sums are checked only when every cell they involve is shown.
    """
    req: list[tuple[str, str]] = []
    opt: list[tuple[str, str]] = []
    app = tables.get("applications", {})
    g = lambda r, c: app.get(r, {}).get(c)  # noqa: E731
    for col in APPLICANTS:
        vals = [g(r, col) for r in ("new_received", "carried_over", "results_total", "carried_forward")]
        if None not in vals and vals[0] + vals[1] != vals[2] + vals[3]:
            req.append(("applications.balance", f"applications.{col}"))
        parts = [g(r, col) for r in result_rows(template)]
        total = g("results_total", col)
        if total is not None and None not in parts and sum(parts) != total:
            req.append(("applications.results_sum", f"applications.{col}"))
    for row, _ in app_rows(template):
        parts = [g(row, c) for c in APPLICANT_PARTS]
        total = g(row, "total")
        if total is not None and None not in parts and sum(parts) != total:
            req.append(("applications.row_total", f"applications.{row}"))
    rev = tables.get("review_litigation", {})
    for grp in GROUPS:
        parts = [rev.get(grp, {}).get(o) for o in OUTCOMES[:-1]]
        total = rev.get(grp, {}).get("total")
        if total is not None and None not in parts and sum(parts) != total:
            req.append(("review_litigation.group_total", f"review_litigation.{grp}"))
    rules = tables.get("active_disclosure", {}).get("rules", {})
    shown = [rules.get(c) for c in (("new_made",) if template == "2019" else ("issued", "in_force"))]
    if any(v is not None and v > 0 for v in shown):
        power = rule_power(agency, level)
        if power is False:
            req.append(("active_disclosure.rules_without_power", "active_disclosure.rules"))
        elif power is None:
            opt.append(("active_disclosure.rules_without_power", "active_disclosure.rules"))
    if template == "2019" and year is not None and year >= 2021:
        req.append(("template.outdated", "report"))
    full = normalised(tables, template)
    for table, rows in full.items():
        printed = [r for r in rows if f"{table}.{r}" not in absent_rows]
        if not printed:
            req.append(("tables.missing_table", table))
            continue
        for r in rows:
            if f"{table}.{r}" in absent_rows:
                req.append(("tables.missing_row", f"{table}.{r}"))
                continue
            for c, v in rows[r].items():
                if v is None:
                    req.append(("tables.missing_cell", f"{table}.{r}.{c}"))
    return req, opt


def continuity_findings(previous: dict, current: dict, template_prev: str | None, template_cur: str | None) -> list[tuple[str, str]]:
    """What tables.md "Across years" warrants between two linked reports of one agency."""
    out = []
    for col in APPLICANTS:
        before = get(previous, f"applications.carried_forward.{col}")
        now = get(current, f"applications.carried_over.{col}")
        if before is not None and now is not None and before != now:
            out.append(("continuity.carried_over", f"applications.{col}"))
    if template_prev == "2021" and template_cur == "2021":
        for row in ("rules", "normative_documents"):
            last = get(previous, f"active_disclosure.{row}.in_force")
            vals = [get(current, f"active_disclosure.{row}.{c}") for c in ("issued", "repealed", "in_force")]
            if last is not None and None not in vals and last + vals[0] - vals[1] != vals[2]:
                out.append(("continuity.in_force", f"active_disclosure.{row}"))
    return out


# ---------------------------------------------------------------- digit runs (flattened web text)


def splits(run: str, k: int) -> list[tuple[int, ...]]:
    """Every way to cut a digit string into k non-negative integers without leading zeros."""
    out: list[tuple[int, ...]] = []

    def rec(i: int, left: int, acc: tuple[int, ...]) -> None:
        if left == 0:
            if i == len(run):
                out.append(acc)
            return
        rest = len(run) - i
        if rest < left:
            return
        if run[i] == "0":
            rec(i + 1, left - 1, acc + (0,))
            return
        for j in range(i + 1, len(run) - left + 2):
            rec(j, left - 1, acc + (int(run[i:j]),))

    rec(0, k, ())
    return out


def run_of(values) -> str:
    return "".join(str(int(v)) for v in values)


def row_candidates(values) -> list[tuple[int, ...]]:
    """Splits of an applications row's run that keep its own 总计 = sum of the six parts."""
    return summed_splits(run_of(values), 6)


def summed_splits(run: str, k: int) -> list[tuple[int, ...]]:
    """Splits of a run into k parts and a last part equal to their sum (a row and its 总计)."""
    out: list[tuple[int, ...]] = []
    for j in range(k, len(run)):
        last = run[j:]
        if len(last) > 1 and last[0] == "0":
            continue
        total = int(last)
        head = run[:j]

        def rec(i: int, left: int, acc: tuple[int, ...], s: int) -> None:
            if left == 0:
                if i == len(head) and s == total:
                    out.append(acc + (total,))
                return
            if len(head) - i < left:
                return
            if head[i] == "0":
                rec(i + 1, left - 1, acc + (0,), s)
                return
            for e in range(i + 1, len(head) - left + 2):
                v = int(head[i:e])
                if s + v > total:
                    break
                rec(e, left - 1, acc + (v,), s + v)

        rec(0, k, (), 0)
    return out


def solve_applications(runs: dict[str, str], template: str | None, limit: int = 200_000) -> list[dict[str, tuple[int, ...]]]:
    """Every complete table of 三 consistent with all its totals, from one digit run per row.

    Row totals (per row), 三（七）= the sum of the result rows and 一+二 = 三（七）+四
    (per column). ``limit`` bounds the product of per-row candidates searched.
    """
    cand = {r: summed_splits(run, 6) for r, run in runs.items()}
    keys = list(runs)
    size = 1
    for r in keys:
        size *= max(1, len(cand[r]))
    if size > limit or any(not cand[r] for r in keys):
        return []
    res_rows = [r for r in result_rows(template) if r in runs]
    sols = []
    for combo in product(*(cand[r] for r in keys)):
        t = dict(zip(keys, combo))
        ok = True
        for c in range(7):
            if "results_total" in t and sum(t[r][c] for r in res_rows) != t["results_total"][c]:
                ok = False
                break
            if all(k in t for k in ("new_received", "carried_over", "results_total", "carried_forward")):
                if t["new_received"][c] + t["carried_over"][c] != t["results_total"][c] + t["carried_forward"][c]:
                    ok = False
                    break
        if ok:
            sols.append(t)
    return sols


def solve_review(run: str) -> list[tuple[int, ...]]:
    """Every split of 四's 15-cell run where each group's 总计 is the sum of its four outcomes."""
    out: list[tuple[int, ...]] = []

    def rec(i: int, acc: tuple[int, ...]) -> None:
        if len(acc) == 15:
            if i == len(run):
                out.append(acc)
            return
        need_after = 15 - len(acc) - 5
        for j in range(i + 5, len(run) - need_after + 1):
            for five in summed_splits(run[i:j], 4):
                rec(j, acc + five)

    rec(0, ())
    return out


def deepcopy(tables: dict) -> dict:
    return copy.deepcopy(tables)
