"""The two national templates and the table words that tell them apart.

国办公开办函〔2021〕30号 ("2021") and 〔2019〕60号 ("2019"). Identity (the
report's template) and table extraction both ask which one a report uses, so
the cue words live here, below both, and nowhere else.
"""

from __future__ import annotations

from analyzer.ingest.normalize import compact, nfkc


# Words of the tables that only one template has (column headings and rows).
CUES_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额",
             "逾期不补正", "逾期未按收费通知", "收费通知要求缴纳费用")
CUES_2019 = ("新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
             "政府集中采购", "采购项目数量", "采购总金额")


def _cue_form(text: str) -> str:
    # "本年增／减", "本年增/减" and "本年增减" all read as one cue.
    return compact(nfkc(text)).replace("/", "")


_CUE_FORMS = {"2021": tuple(map(_cue_form, CUES_2021)), "2019": tuple(map(_cue_form, CUES_2019))}


def detect_template(text: str) -> str | None:
    """2021 or 2019 from the table words a report uses; None when it uses neither template's.

    The template with more of its own words present wins; a tie goes to 2021.

    >>> detect_template("信息内容 本年新制作数量 本年新公开数量 对外公开总数量")
    '2019'
    """
    t = _cue_form(text)
    n2021 = sum(1 for c in _CUE_FORMS["2021"] if c in t)
    n2019 = sum(1 for c in _CUE_FORMS["2019"] if c in t)
    if n2021 == n2019 == 0:
        return None
    return "2019" if n2019 > n2021 else "2021"
