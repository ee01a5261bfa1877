"""A probe of the `statement` boundary of the kind model, in sentences no training file holds (r14h, issue 14).

The held-out set says little about wordings, levels and layouts it does not hold, and the issue's owners
measured `statement` (F1 0.68) and `measure` read without the section as the weakest kinds on real text
they keep hidden. This probe measures each boundary of `statement` (spec/taxonomy.md §1: "anything else:
framing, policy citations, slogans") against work done and commitments, built from parts that no training
statement puts together: who speaks (township, street, county, district, city, province, departments,
管委会), the year (2019–2025), the template cited (〔2019〕60号 / 〔2021〕30号), and the damage conversion
and OCR leave in text (spaces inside a sentence, a line break inside it, half-width punctuation, look-alike
characters). Every probe sentence has one kind by the taxonomy and the labelling guide
(data/narrative/labels/GUIDE.md), wherever it stands; each is read where it would stand (its section) and
without the section.

Run ``python bench/kind_probe.py`` for the table (accuracy per boundary, with and without the section, and
per kind of damage); ``tests/test_narrative_classify.py`` keeps floors on it. The probe is never trained on
(the test checks that no probe sentence is a training statement, damage undone).
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# Who speaks: the agency's full name and how it names itself, one of each level.
AGENCIES = (
    ("石桥镇人民政府", "我镇"),
    ("滨河街道办事处", "我街道"),
    ("临川县人民政府办公室", "县政府办"),
    ("东城区司法局", "我局"),
    ("云州市交通运输局", "市交通运输局"),
    ("江南省自然资源厅", "我厅"),
    ("云州高新区管委会", "管委会"),
)
YEARS = tuple(range(2019, 2026))
TEMPLATES = {
    2019: "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2019〕60号）",
    2021: "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）",
}


def _template(year: int) -> str:
    return TEMPLATES[2021 if year >= 2021 else 2019]


def _congress(year: int) -> str:
    return "党的二十大" if year >= 2023 else "党的十九大和十九届历次全会"


# Each boundary: (name, kind, section where it stands, sentence shapes over {agency} {self} {year} {next} {n} {m} {tpl} {congress}).
SHAPES: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    # slogans and framing: the agency's attitude and the policy it follows, no work named
    "framing": (
        "statement",
        "overview",
        (
            "{year}年，{agency}坚持以人民为中心的发展思想，把政务公开作为建设服务型政府的重要抓手",
            "{self}始终将政府信息公开工作摆在全局工作的突出位置",
            "在{upper}的坚强领导下，{self}深入贯彻落实党中央、国务院关于全面推进政务公开的决策部署",
            "{year}年是全面贯彻落实{congress}精神的关键之年",
            "公开透明是法治政府的基本特征，也是{self}履职尽责的内在要求",
            "{self}以习近平新时代中国特色社会主义思想为指导，坚持以公开为常态、不公开为例外",
        ),
    ),
    # the law, the template and the superior's notice cited, the report announced
    "citation": (
        "statement",
        "overview",
        (
            "依据《中华人民共和国政府信息公开条例》和{tpl}要求，{agency}编制本年度报告",
            "按照{upper}关于做好{year}年度政府信息公开工作年度报告编制发布工作的通知精神，现将有关情况报告如下",
            "根据{tpl}的规定，现向社会公布{agency}{year}年度政府信息公开工作年度报告",
            "{agency}{year}年政府信息公开工作年度报告根据《中华人民共和国政府信息公开条例》第五十条的规定编制",
        ),
    ),
    # the report about itself: the period of the figures, where to read it, whom to ask
    "report_self": (
        "statement",
        "overview",
        (
            "本年度报告所列数据的统计时间为{year}年1月1日至{year}年12月31日",
            "本报告的电子文本可登录{agency}官方网站政府信息公开栏目获取",
            "公众对本报告有任何意见或建议的，可向{agency}政务公开办公室反映",
            "本报告正文共分为六个部分，附有三张统计表",
        ),
    ),
    # contact lines
    "contact": (
        "statement",
        "overview",
        (
            "联系单位：{agency}政务公开科；联系电话：0{n}{m}-6612{m}3",
            "通讯地址：云州市滨江路{n}号{agency}，邮政编码：4{m}1{n}00",
            "政府信息公开申请接收部门：{agency}综合科，办公时间为法定工作日",
            "电子信箱：gk{n}{m}@yunzhou.gov.cn，传真号码：0{n}{m}-66120{n}8",
        ),
    ),
    # lead-ins that announce a list (the guide: a statement), in 总体情况 and in 五
    "lead_in_overview": (
        "statement",
        "overview",
        (
            "{year}年，{self}着重抓好了以下几方面工作：",
            "围绕年度工作要点，{self}重点推进了以下几项工作：",
            "现将{year}年{self}政务公开工作的主要做法汇报如下：",
        ),
    ),
    "lead_in_problems": (
        "statement",
        "problems",
        (
            "对照上级要求，{self}政务公开工作还存在以下几个方面的差距：",
            "经认真梳理，{year}年工作中的不足主要表现在以下方面：",
            "为解决上述问题，{self}计划从以下几个方面着手：",
        ),
    ),
    # template part headings: the topic of what follows, in any section
    "heading": (
        "statement",
        "overview",
        (
            "（一）主动公开政府信息工作",
            "（二）依申请公开办理情况",
            "（三）政府信息管理工作情况",
            "（四）政府信息公开平台建设情况",
            "（五）监督和保障情况",
            "重点领域信息公开情况",
            "政策解读和回应关切情况",
        ),
    ),
    # transitions and judgements of the year: no work named, no weakness named
    "transition": (
        "statement",
        "problems",
        (
            "{year}年，{self}政务公开工作虽然取得了一定成绩，但对照新形势新要求，仍有一些不足之处",
            "成绩来之不易，但我们也清楚地看到，{self}的公开工作与群众期盼相比还有差距",
            "总体而言，{year}年{self}政务公开工作平稳有序",
            "以上问题，{self}将认真研究，切实加以解决",
        ),
    ),
    # table captions and notes that leak into the text
    "table_note": (
        "statement",
        "overview",
        (
            "说明：本表所列数据统计截止时间为{year}年12月31日",
            "注：表中“其他”一栏指本机关未列入上述类型的办理情况",
            "表二 {year}年度收到和处理政府信息公开申请情况（单位：件）",
            "数据来源：{agency}政务公开工作台账",
        ),
    ),
    # work done: the boundary's other side (总体情况)
    "achievement": (
        "achievement",
        "overview",
        (
            "{year}年，{self}在门户网站主动公开各类政府信息{n}{m}2条，其中规范性文件{m}件",
            "{self}全年办结政府信息公开申请{n}{m}件，全部在法定期限内答复",
            "{year}年{self}举办政务公开专题培训{m}场，参训干部{n}{m}0余人次",
            "{self}对照基本目录逐项梳理了公开事项，补充完善了办事指南要素",
            "{self}在官网新设了“优化营商环境”专栏，集中发布惠企政策{n}{m}条",
            "截至{year}年底，{self}政务新媒体账号累计推送信息{n}{m}00余条",
        ),
    ),
    # commitments (五): the boundary's third side
    "measure": (
        "measure",
        "problems",
        (
            "{next}年，{self}将把政务公开纳入部门绩效考核，压紧压实各科室责任",
            "{self}将定期组织开展政务新媒体巡查，对长期不更新的账号及时整改",
            "下一阶段，{self}将依托政策文件库做好现行有效文件的集中公开",
            "{self}将健全依申请公开会商机制，对疑难申请组织法律顾问研判",
            "{next}年，{self}计划组织两次以上政务公开业务培训，提高经办人员业务水平",
        ),
    ),
    # text that is no statement of disclosure work at all
    "unrelated": (
        "other",
        None,
        (
            "天气很好",
            "今天阳光明媚，适合和家人一起去公园散步",
            "本周末{year}城市马拉松将在滨江大道鸣枪开跑",
            "上一篇：关于春节假期安排的通知  下一篇：无",
            "请使用谷歌或火狐浏览器访问本页面以获得最佳显示效果",
            "这道红烧肉的做法很简单，先把五花肉切块焯水",
        ),
    ),
}

UPPERS = ("市委市政府", "县委县政府", "省委省政府", "区委区政府", "上级主管部门")

# What conversion and OCR do to a sentence; every damaged form keeps the kind of the clean one.
_HALF = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "。": ".", "“": '"', "”": '"', "、": ","})
_LOOK_ALIKE = str.maketrans({"已": "己", "日": "曰", "人": "入", "于": "干", "未": "末", "0": "O", "部": "都", "策": "榮"})


def _spaces(text: str) -> str:
    """A space after every fourth character, as a PDF's spaced text layer gives."""
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _line_break(text: str) -> str:
    """A line break in the middle, as a wrapped PDF line copied whole gives."""
    half = len(text) // 2
    return text[:half] + "\n" + text[half:]


DAMAGE = {
    "clean": lambda t: t,
    "spaces": _spaces,
    "line_break": _line_break,
    "half_width": lambda t: t.translate(_HALF),
    "ocr": lambda t: t.translate(_LOOK_ALIKE),
}


@dataclass(frozen=True)
class Probe:
    text: str
    kind: str
    section: str | None
    boundary: str
    damage: str


def probes(per_shape: int = 4, seed: int = 14) -> list[Probe]:
    """Every boundary's shapes filled with ``per_shape`` draws of who, when, which template, each in every damage."""
    rng = random.Random(seed)
    out, seen = [], set()
    for boundary, (kind, section, shapes) in SHAPES.items():
        for shape in shapes:
            for _ in range(per_shape):
                agency, self_name = rng.choice(AGENCIES)
                year = rng.choice(YEARS)
                text = shape.format(
                    agency=agency, self=self_name, year=year, next=year + 1, tpl=_template(year), congress=_congress(year),
                    upper=rng.choice(UPPERS), n=rng.randint(1, 9), m=rng.randint(1, 9),
                )
                if text in seen:
                    continue
                seen.add(text)
                out += [Probe(hurt(text), kind, section, boundary, name) for name, hurt in DAMAGE.items()]
    return out


def accuracy(items: list[Probe], with_section: bool) -> dict[tuple[str, str], tuple[int, int]]:
    """(right, total) per (boundary, damage), with the section where each probe stands or without any."""
    from analyzer.narrative import classify as clf

    out: dict[tuple[str, str], list[int]] = {}
    groups: dict[str | None, list[Probe]] = {}
    for p in items:
        groups.setdefault(p.section if with_section else None, []).append(p)
    for section, group in groups.items():
        for p, row in zip(group, clf.classify([p.text for p in group], section)):
            cell = out.setdefault((p.boundary, p.damage), [0, 0])
            cell[0] += row["kind"] == p.kind
            cell[1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


def share(table: dict[tuple[str, str], tuple[int, int]], boundary: str | None = None, damage: str | None = None) -> float:
    cells = [v for (b, d), v in table.items() if (boundary is None or b == boundary) and (damage is None or d == damage)]
    return sum(r for r, _ in cells) / max(1, sum(n for _, n in cells))


def main() -> int:
    items = probes()
    tables = {"section": accuracy(items, True), "no section": accuracy(items, False)}
    print(f"kind probe: {len(items)} sentences ({len(items) // len(DAMAGE)} clean, each in {len(DAMAGE)} forms)")
    print(f"{'boundary':18s} {'kind':12s} {'with section':>13s} {'no section':>11s}")
    for boundary, (kind, _, _) in SHAPES.items():
        print(f"{boundary:18s} {kind:12s} {share(tables['section'], boundary):13.3f} {share(tables['no section'], boundary):11.3f}")
    print(f"{'all':31s} {share(tables['section']):13.3f} {share(tables['no section']):11.3f}")
    print(f"{'damage':31s}")
    for name in DAMAGE:
        print(f"{name:31s} {share(tables['section'], damage=name):13.3f} {share(tables['no section'], damage=name):11.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
