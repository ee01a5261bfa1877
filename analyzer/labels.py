"""Chinese names of the stable keys, shared by every output (one place, so they never drift)."""

from __future__ import annotations

# Said in a finding that rests on a year no title, statistical period or 落款 states (ReportMeta.year_inferred).
YEAR_INFERRED_NOTE = "报告标题、统计期限和落款均未写明所属年度，{year}年度系根据正文推断，请核实。"

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}

# The four parts of the score (shared/spec/rubric.md), in the order they are shown.
PART_LABELS = {
    "completeness": "完整性",
    "accuracy": "准确性",
    "conformity": "规范性",
    "substance": "内容质量",
}

# Administrative levels of ReportMeta.level; None: not identified.
LEVEL_LABELS = {"national": "国家级", "province": "省级", "city": "市级", "county": "县级", "township": "乡镇级", None: "未识别"}

# Problem categories of shared/spec/taxonomy.md §2.
CATEGORY_LABELS = {
    "content_coverage": "公开内容",
    "timeliness": "公开时效",
    "interpretation_response": "解读回应",
    "platform": "平台建设",
    "application_handling": "依申请公开办理",
    "staff_capacity": "队伍能力",
    "mechanism": "制度机制",
    "public_participation": "公众参与",
    "grassroots_standardization": "基层标准化",
    "information_management": "信息管理",
    "other": "其他",
}
