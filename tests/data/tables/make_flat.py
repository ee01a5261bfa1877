"""Write flat_2021.txt and its expected values: a crawler-dump layout where table cells run together.

The numbers are chosen here (not read back from the analyzer), so the
expected file is independent of the extractor:

    .venv/bin/python tests/data/tables/make_flat.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from analyzer.tables import schema  # noqa: E402

LABELS = [
    ("new_received", "一、本年新收政府信息公开申请数量"), ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("granted", "三、本年度办理结果（一）予以公开"), ("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied_state_secret", "（三）不予公开1.属于国家秘密"), ("denied_prohibited_by_law", "2.其他法律行政法规禁止公开"),
    ("denied_security_stability", "3.危及“三安全一稳定”"), ("denied_third_party", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "5.属于三类内部事务信息"), ("denied_process_info", "6.属于四类过程性信息"),
    ("denied_enforcement_files", "7.属于行政执法案卷"), ("denied_query_matters", "8.属于行政查询事项"),
    ("unable_not_held", "（四）无法提供1.本机关不掌握相关政府信息"), ("unable_needs_creation", "2.没有现成信息需要另行制作"),
    ("unable_unclear", "3.补正后申请内容仍不明确"), ("not_processed_petition", "（五）不予处理1.信访举报投诉类申请"),
    ("not_processed_repeated", "2.重复申请"), ("not_processed_publication", "3.要求提供公开出版物"),
    ("not_processed_excessive", "4.无正当理由大量反复申请"), ("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息"),
    ("other_no_correction", "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "3.其他"), ("results_total", "（七）总计"), ("carried_forward", "四、结转下年度继续办理"),
]
# 46 new + 2 carried over = 45 answered + 3 carried forward; distinct numbers where they fit.
APP = {
    "new_received": [40, 3, 0, 1, 2, 0, 46], "carried_over": [2, 0, 0, 0, 0, 0, 2],
    "granted": [21, 1, 0, 0, 1, 0, 23], "partially_granted": [5, 0, 0, 1, 0, 0, 6],
    "denied_third_party": [2, 0, 0, 0, 0, 0, 2], "denied_process_info": [1, 0, 0, 0, 0, 0, 1],
    "unable_not_held": [8, 1, 0, 0, 1, 0, 10], "not_processed_repeated": [1, 0, 0, 0, 0, 0, 1],
    "other_other": [2, 0, 0, 0, 0, 0, 2], "results_total": [40, 2, 0, 1, 2, 0, 45],
    "carried_forward": [2, 1, 0, 0, 0, 0, 3],
}
REVIEW = [2, 1, 0, 1, 4, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]


def main() -> None:
    body = ["二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000",
            "行政规范性文件5861第二十条第（五）项信息内容本年处理决定数量行政许可318",
            "第二十条第（六）项信息内容本年处理决定数量行政处罚27行政强制3",
            "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费0",
            "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
            "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"]
    for key, label in LABELS:
        body.append(label + "".join(str(v) for v in APP.get(key, [0] * 7)))
    body.append("四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
                "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
                + "".join(str(v) for v in REVIEW))
    text = "\n".join([
        "标题: 青石镇2021年度政府信息公开工作年度报告",
        "发布时间: 2022-01-18 09:30",
        "==================== 正文 ====================",
        "青石镇2021年度政府信息公开工作年度报告 一、总体情况2021年，青石镇认真贯彻落实《中华人民共和国政府信息公开条例》，"
        "全年共收到政府信息公开申请46件，均在法定期限内答复。（一）主动公开 全年主动公开政府信息512条。"
        + "".join(body)
        + "五、存在的主要问题及改进情况 一是公开内容不够全面；二是解读形式较为单一。下一步将加强培训。"
        "六、其他需要报告的事项 本年度未收取信息处理费。",
    ])
    (HERE / "flat_2021.txt").write_text(text + "\n", encoding="utf-8")
    values = schema.empty_values("2021")
    values["active_disclosure"]["rules"] = {"issued": 0, "repealed": 0, "in_force": 0}
    values["active_disclosure"]["normative_documents"] = {"issued": 5, "repealed": 8, "in_force": 61}
    values["active_disclosure"]["administrative_license"]["decisions"] = 318
    values["active_disclosure"]["administrative_penalty"]["decisions"] = 27
    values["active_disclosure"]["administrative_coercion"]["decisions"] = 3
    values["active_disclosure"]["administrative_fees"]["amount_10k_yuan"] = 0
    cols = [c.key for c in schema.APPLICANTS]
    for row in values["applications"]:
        values["applications"][row] = dict(zip(cols, APP.get(row, [0] * 7)))
    for gi, g in enumerate(schema.REVIEW_GROUPS):
        values["review_litigation"][g.key] = dict(zip([c.key for c in g.columns], REVIEW[gi * 5:gi * 5 + 5]))
    expected = {
        "id": "flat_2021", "source": "tests/data/tables/flat_2021.txt",
        "report": {"agency": "青石镇人民政府", "level": "township", "year": 2021, "template": "2021"},
        "tables": values,
        # "5861" for three cells splits several ways (5/8/61, 58/6/1, …): the text does not tell.
        "unreadable": [f"active_disclosure.normative_documents.{c}" for c in ("issued", "repealed", "in_force")],
        "expected_findings": [],
        "notes": "Synthetic crawler dump (make_flat.py): table cells run together; every row of 三 and 四 splits uniquely under its totals.",
    }
    (HERE / "flat_2021.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
