"""Writes train_r14g_kinds.tsv: the `statement` boundary of the kinds, in the team's own words (r14g, issue 14).

Shapes written by the r14g session (never on evaluation statements, never on the probe of bench/kind_probe.py,
whose parts differ), each filled by agencies of every level (township, street, county, district, city, province,
departments, 开发区管委会), years 2019–2025 and the two templates (〔2019〕60号, 〔2021〕30号). The statements are
what a report says about itself and its frame: contact lines, the report's period, form and sources, table
captions and notes that leak into the text, citations of the law and the template, slogans, transitions; beside
them the same words in work done (a report published, a phone line opened), in commitments (五) and in problems,
so that no word alone decides. (The page's chrome around a report, kind `other`, is train_unrelated.tsv's: rows of it
written here were dropped, one of them a copy of a row there.)

    python data/narrative/make_r14g_kinds.py     # rewrites the file; the same bytes every time (seeded)
"""

from __future__ import annotations

import random
from pathlib import Path

OUT = Path(__file__).with_name("train_r14g_kinds.tsv")

AGENCIES = (
    ("河口乡人民政府", "我乡"),
    ("新华街道办事处", "本街道"),
    ("安平县人民政府", "县政府"),
    ("西湖区教育局", "区教育局"),
    ("青州市生态环境局", "本局"),
    ("北岭省卫生健康委员会", "省卫生健康委"),
    ("经济技术开发区管理委员会", "开发区管委会"),
    ("南陵市人民政府办公室", "市政府办公室"),
    ("桃源县农业农村局", "县农业农村局"),
)
UPPERS = ("市政府", "县委、县政府", "省政府办公厅", "区委、区政府", "市政务公开领导小组")
TEMPLATES = {2019: "国办公开办函〔2019〕60号文件", 2021: "国办公开办函〔2021〕30号文件"}
SURNAMES = ("陈", "刘", "周", "吴", "郑")

# kind, category, shapes over {agency} {self} {year} {prev} {next} {tpl} {upper} {surname} {n} {m} {k} {phone}
SHAPES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # contact lines of the report and of the disclosure office
    ("statement", "-", (
        "咨询电话：{phone}（法定工作日办公时间）",
        "联系人：{surname}同志，联系电话：{phone}",
        "{agency}政务公开办公室地址：兴业路{n}{m}号，邮编：{n}{m}{k}{k}00",
        "政府信息公开申请受理点设在{agency}便民服务中心{n}号窗口",
        "以信函方式申请的，请寄至{agency}办公室，信封左下角注明“政府信息公开申请”",
        "传真：{phone}；电子邮箱：xxgk{n}{m}@mail.gov.cn",
        "办公时间：周一至周五上午8:30至12:00，下午13:30至17:00（节假日除外）",
    )),
    # the report speaking of itself: who approved it, where to read it, what it holds, its units and sources
    ("statement", "-", (
        "本报告经{agency}主要负责同志审定后向社会公开",
        "报告全文可登录{agency}门户网站的“政府信息公开年报”栏目浏览",
        "对本报告内容有疑问的，欢迎来电或来函咨询",
        "本报告分总体情况、主动公开、依申请公开、复议诉讼、存在问题和其他事项六个部分",
        "报告中涉及的金额单位均为万元，比例保留一位小数",
        "本报告引用的数据均取自{agency}{year}年度政务公开工作台账",
        "本年度报告的统计区间为{year}年全年",
    )),
    # table captions and notes leaking into the text
    ("statement", "-", (
        "（数据统计截至{year}年12月31日）",
        "注：本表中“办结”是指在法定期限内作出答复",
        "附：{agency}{year}年度政府信息公开情况统计表",
        "图{n}：{year}年依申请公开办理结果分布",
        "备注：部分数据因四舍五入存在尾差",
        "本表数据由{self}各业务科室报送后汇总",
        "以下表格中未列明的项目均为零",
        "说明：“其他处理”一栏含申请人逾期未补正等情形",
        "表{n}：{year}年主动公开政府信息情况",
    )),
    # citations of the law, the template and the superior's notice
    ("statement", "-", (
        "{agency}依照《中华人民共和国政府信息公开条例》和{tpl}的要求，编写{year}年度报告",
        "按照{upper}关于报送{year}年度政府信息公开工作年度报告的通知，特发布本报告",
        "结合{self}工作实际，依据新修订的《中华人民共和国政府信息公开条例》形成本报告",
        "{year}年度报告的格式执行{tpl}的规定",
    )),
    # slogans and framing: an attitude or a principle, no work named
    ("statement", "-", (
        "{self}坚持把政务公开作为推进治理能力现代化的重要抓手",
        "{year}年，{agency}在{upper}的正确领导下，持续深化政务公开，努力建设人民满意的政府",
        "政务公开是建设法治政府、服务型政府的重要内容",
        "{self}主要负责同志多次强调，要以更高标准推进政务公开",
        "以高质量公开服务高质量发展，是{self}一以贯之的工作思路",
        "{self}牢固树立公开透明的施政理念，切实保障群众的知情权和监督权",
    )),
    # transitions and judgements of the year: no work and no weakness named
    ("statement", "-", (
        "{year}年，{self}政务公开工作取得了一定成效，但距离群众的期待仍有不小差距",
        "在肯定成绩的同时，我们也认识到，工作中还存在一些薄弱环节，具体如下",
        "总的来说，{year}年{self}政务公开各项工作有序推进",
        "对于上述问题，{self}将高度重视，认真加以整改",
        "接下来，{self}将重点从以下几方面加以改进",
        "下面将{self}存在的问题和改进措施报告如下",
    )),
    # the same words in work done
    ("achievement", "-", (
        "{self}按时编制并在门户网站发布了{prev}年度政府信息公开工作年度报告",
        "{self}在门户网站公布了政府信息公开咨询电话和受理地址",
        "{year}年，{self}接听政务公开咨询电话{n}{m}个，现场接待查阅{k}人次",
        "{self}组织学习新修订的《中华人民共和国政府信息公开条例》{n}次",
        "{year}年，{self}召开政务公开领导小组会议{n}次，研究部署年度重点任务",
        "{self}对照{tpl}逐项核对了年度报告的统计数据",
        "{self}坚持以人民为中心，全年回应群众关切{n}{m}件",
        "{self}在便民服务中心设立政府信息公开查阅点，配备专人{k}名",
    )),
    # work done opening as the framing does (the year, the agency, its superior, a judgement of the year), so that
    # the opening of a statement above does not make one by itself
    ("achievement", "-", (
        "{year}年，{agency}在{upper}的统一部署下，完成了政府信息公开指南的修订",
        "{year}年，{self}围绕年度工作要点，新增主动公开事项{n}{m}项",
        "{year}年，{agency}持续深化政务公开，在门户网站开设了“政策问答”栏目",
        "总的来看，{year}年{self}按期完成了上级部署的{k}项政务公开任务",
        "{year}年，{self}政务公开工作取得新进展，全年主动公开信息{n}{m}{k}条",
        "在{upper}的指导下，{self}编制完成了本系统政务公开事项标准目录",
    )),
    # the same words in commitments (五)
    ("measure", "-", (
        "{next}年，{self}将严格对照{tpl}编制年度报告，确保统计数据真实准确",
        "{self}将在门户网站显著位置公布咨询电话，安排专人接听",
        "下一阶段，{self}将围绕群众关切扩大民生领域信息公开范围",
        "{self}将依托便民服务中心设置政府信息公开查阅点",
        "{self}将定期组织业务骨干对公开内容开展交叉检查",
        "下一阶段，{self}将开展政务公开专题培训不少于{k}次",
    )),
    # and in problems
    ("problem", "-", (
        "{prev}年度报告个别统计数据与上年度口径不一致",
        "公布的咨询电话有时无人接听，群众反映不便",
    )),
)
FILLS = {"statement": 3, "achievement": 3, "measure": 3, "problem": 2}

HEADER = (
    "# kind\tcategory\ttext — written by the r14g session in its own words (never on evaluation statements nor on the "
    "probe of bench/kind_probe.py), generated by make_r14g_kinds.py from shapes filled by every level (township, street, "
    "county, district, city, province, departments, 管委会), years 2019–2025 and both templates: what a report says of "
    "itself and its frame (contact lines, its period, form and sources, table captions and notes, citations, slogans, "
    "transitions) are statements; the same words in work done, commitments and problems beside them. Problems and measures carry no category (`-`): these rows teach the kind model."
)


def rows(seed: int = 1407) -> list[str]:
    rng = random.Random(seed)
    out, seen = [], set()
    for kind, category, shapes in SHAPES:
        for shape in shapes:
            for _ in range(FILLS[kind]):
                agency, self_name = rng.choice(AGENCIES)
                year = rng.choice(range(2019, 2026))
                text = shape.format(
                    agency=agency, self=self_name, year=year, prev=year - 1, next=year + 1,
                    tpl=TEMPLATES[2021 if year >= 2021 else 2019], upper=rng.choice(UPPERS), surname=rng.choice(SURNAMES),
                    n=rng.randint(1, 9), m=rng.randint(0, 9), k=rng.randint(2, 9),
                    phone=f"0{rng.randint(300, 999)}-{rng.randint(5000000, 8999999)}",
                )
                if text not in seen:
                    seen.add(text)
                    out.append(f"{kind}\t{category}\t{text}")
    return out


if __name__ == "__main__":
    OUT.write_text("\n".join([HEADER, *rows()]) + "\n", encoding="utf-8")
    print(f"{OUT.name}: {len(rows())} rows")
