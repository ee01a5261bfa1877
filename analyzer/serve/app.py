"""The workbench's routes: the JSON interface of ``spec/contract.md`` and the Chinese pages.

``create_app(workspace, …)`` builds one application on one workspace (never
at import time). Every page is a thin renderer of a data function in
:mod:`analyzer.serve.views`; the JSON routes return the same data. Errors of
the JSON interface answer ``{"error": "…"}`` with a 4xx status, pages answer
with an error page; neither shows a traceback.
"""

from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import jinja2
from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from analyzer import __version__
from analyzer.labels import LEVEL_LABELS, PART_LABELS
from analyzer.serve import exports, security, views
from analyzer.serve.pdfpage import page_size, render_page
from analyzer.serve.security import Auth, Limits
from analyzer.serve.store import RECTIFICATION_STATES, ReportRow
from analyzer.serve.workbench import FINDING_ID, REPORT_ID, Workbench, new_batch

HERE = Path(__file__).resolve().parent
REASON_LIMIT = 2000
LOADING = "工作区正在载入，请稍候再试"
FIELD_LIMIT = 20000


def _environment() -> jinja2.Environment:
    # Autoescape on for every template whatever its name (Starlette ≥ 1.0 only escapes .html by default).
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = lambda v: "—" if v is None else f"{v:g}"
    env.filters["pct"] = lambda v: "—" if v is None else f"{v:.1%}"
    env.filters["signed"] = lambda v: "" if v is None else f"{v:+g}"
    env.filters["urlpart"] = lambda v: quote(str(v), safe="")
    env.globals.update(level_labels=LEVEL_LABELS, part_labels=PART_LABELS, version=__version__,
                       states=RECTIFICATION_STATES, zip=zip)
    return env


def create_app(workspace: Path, *, password: str | None = None, workers: int = 2, limits: Limits = Limits(),
               allowed_hosts: set[str] | None = None, settings=None, score_config=None,
               analyse: bool = True, load_in_background: bool = False) -> FastAPI:
    """The workbench on one workspace folder (its store is created on first start).

    ``load_in_background``: answer at once while the store loads (pages say so); with
    ``analyse=False`` (no analysis thread) the store is always loaded before the app is returned.
    """
    bench = Workbench(Path(workspace), workers=workers, settings=settings, score_config=score_config,
                      load_in_background=load_in_background and analyse)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if analyse:
            bench.start()
        yield
        bench.stop()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None, title="analyzer serve")
    app.state.bench = bench
    env = _environment()
    auth = Auth(password) if password else None
    xlsx_cache: dict[int, tuple[float, bytes]] = {}
    security.install(app, auth=auth, limits=limits, allowed_hosts=allowed_hosts)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def render(request: Request, name: str, status: int = 200, headers: dict | None = None, **ctx) -> HTMLResponse:
        ctx.setdefault("signed_in", auth is not None)
        ctx.setdefault("loading", None if bench.ready.is_set() else len(bench.rows()))
        html = env.get_template(name).render(request=request, **ctx)
        return HTMLResponse(html, status_code=status, headers=headers)

    # ------------------------------------------------------------ errors: one shape

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "请求有误"
        if exc.status_code == 404 and message == "Not Found":
            message = "页面不存在"
        if exc.status_code == 405:
            message = "不支持该请求方法"
        if security.wants_json(request):
            return security.error(exc.status_code, message)
        return render(request, "error.html", status=exc.status_code, message=message, code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        fields = "、".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors()) or "请求"
        message = f"请求参数有误（{fields}）"
        if security.wants_json(request):
            return security.error(400, message)
        return render(request, "error.html", status=400, message=message, code=400)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        if security.wants_json(request):
            return security.error(500, "服务器内部错误，请查看服务端日志")
        return render(request, "error.html", status=500, message="服务器内部错误，请稍后重试", code=500)

    # ------------------------------------------------------------ dependencies

    def get_bench() -> Workbench:
        return bench

    BenchDep = Annotated[Workbench, Depends(get_bench)]

    def get_report(report_id: str) -> ReportRow:
        row = bench.row(report_id) if REPORT_ID.match(report_id) else None
        if row is None:
            raise HTTPException(404, "未找到该报告")
        return row

    ReportDep = Annotated[ReportRow, Depends(get_report)]

    def get_done(row: ReportDep) -> ReportRow:
        if not bench.ready.is_set():
            raise HTTPException(503, LOADING)
        if row.status != "done":
            raise HTTPException(409, f"该报告{views.STATUS_LABELS[row.status]}，暂无分析结果")
        return row

    DoneDep = Annotated[ReportRow, Depends(get_done)]

    def check_finding(finding_id: str, row: ReportRow | None = None) -> None:
        owners = bench.owner_of(finding_id) if FINDING_ID.match(finding_id) else []
        if not owners or (row is not None and row.id not in owners):
            raise HTTPException(404, "未找到该问题")

    def is_htmx(request: Request) -> bool:
        return request.headers.get("hx-request") == "true"

    # ------------------------------------------------------------ the JSON interface

    @app.get("/api/health")
    def health():
        return {"status": "ok", "version": __version__}

    @app.post("/api/reports", status_code=202)
    async def upload(request: Request):
        try:
            form = await request.form(max_files=limits.max_files * 2 + 10, max_fields=limits.max_files * 2 + 10)
        except StarletteHTTPException as exc:
            if "Too many" in str(exc.detail):
                return security.error(413, f"一次最多上传 {limits.max_files} 个文件")
            return security.error(400, "上传内容无法解析，请以 multipart/form-data 的 files 字段上传")
        except Exception:  # noqa: BLE001 - a body that is not multipart
            return security.error(400, "上传内容无法解析，请以 multipart/form-data 的 files 字段上传")
        files = [v for v in form.getlist("files") if isinstance(v, UploadFile)]
        if not files:
            return security.error(400, "请选择要上传的报告文件（表单字段 files）")
        if len(files) > limits.max_files:
            return security.error(413, f"一次最多上传 {limits.max_files} 个文件")
        for f in files:
            if f.size is not None and f.size > limits.max_file_bytes:
                return security.error(413, f"文件过大：{f.filename}（单个文件上限 {limits.max_file_mb:g} MB）")
        batch = new_batch()
        out = []
        for f in files:
            data = await f.read()
            if len(data) > limits.max_file_bytes:
                return security.error(413, f"文件过大（单个文件上限 {limits.max_file_mb:g} MB）")
            row = await run_in_threadpool(bench.add_upload, f.filename, data, batch=batch)
            entry = {"id": row.id, "file": row.file, "status": row.status}
            if row.status == "unreadable":
                entry["reason"] = row.reason
            out.append(entry)
        return JSONResponse({"reports": out}, status_code=202)

    @app.get("/api/reports")
    def list_reports():
        if not bench.ready.is_set():
            raise HTTPException(503, LOADING)
        return {"reports": [views.report_summary(bench, r) for r in sorted(bench.rows(), key=lambda r: r.id)]}

    @app.get("/api/reports/{report_id}")
    def get_report_json(row: ReportDep):
        if not bench.ready.is_set():
            raise HTTPException(503, LOADING)
        return views.report_json(bench, row)

    @app.post("/api/findings/{finding_id}/decision")
    async def decide(finding_id: str, request: Request):
        if not bench.ready.is_set():
            raise HTTPException(503, LOADING)
        check_finding(finding_id)
        try:
            body = await request.json()
        except Exception:  # noqa: BLE001 - not JSON at all
            return security.error(400, "请求体须为 JSON 对象，例如 {\"decision\": \"dismissed\", \"reason\": \"…\"}")
        error = _decision_error(body)
        if error:
            return security.error(400, error)
        d = await run_in_threadpool(bench.decide, finding_id, body["decision"], (body.get("reason") or "").strip())
        owners = bench.owner_of(finding_id)
        return {"finding_id": finding_id, "decision": d.to_dict() if d else None,
                "reports": [views.report_summary(bench, bench.row(rid)) for rid in owners]}

    @app.get("/api/reports/{report_id}/review.docx")
    def review_docx(row: DoneDep):
        comment, _, _ = views.comments(bench, row)
        data = exports.review_docx(comment)
        meta = bench.decided(row.id).meta
        name = f"{meta.agency or Path(row.file).stem}{meta.year or ''}年度报告评审意见.docx"
        return Response(data, media_type=exports.DOCX_TYPE, headers={"Content-Disposition": exports.attachment(name)})

    @app.get("/api/rankings/{year}.xlsx")
    def ranking_xlsx(year: str):
        if not bench.ready.is_set():
            raise HTTPException(503, LOADING)
        if not year.isdigit() or int(year) not in bench.years():
            raise HTTPException(404, "没有该年度的报告")
        stamp, data = xlsx_cache.get(int(year), (None, b""))
        if stamp != bench.changed_at:  # the writer takes seconds for a large year: once per change
            stamp = bench.changed_at
            data = exports.ranking_xlsx(bench.ranking(int(year)), {r.id: r.file for r in bench.rows()})
            xlsx_cache[int(year)] = (stamp, data)
        return Response(data, media_type=exports.XLSX_TYPE,
                        headers={"Content-Disposition": exports.attachment(f"{year}年度报告评分排名.xlsx")})

    # ------------------------------------------------------------ pages: ranking and upload

    @app.get("/", response_class=HTMLResponse)
    def ranking_page(request: Request, year: int | None = None, level: str = "", grade: str = "", q: str = "",
                     sort: str = "rank", desc: bool = False, page: int = Query(1, ge=1, le=100000),
                     was_empty: bool = False):
        query = views.RankingQuery(year=year, level=level, grade=grade, q=q[:100], sort=sort, desc=desc, page=page)
        data = views.ranking_page(bench, query)
        headers = {"Vary": "HX-Request"}
        if is_htmx(request) and was_empty and data["years"]:
            # The first reports of an empty workspace: the whole page (years, filters, downloads) appears.
            return HTMLResponse("", headers={**headers, "HX-Refresh": "true"})
        if is_htmx(request) and request.headers.get("hx-target") == "ranking":
            return render(request, "_ranking_table.html", headers=headers, **data)
        return render(request, "ranking.html", headers=headers, progress=views.progress(bench), **data)

    @app.get("/ready")
    def ready():
        """204 while the store loads; then the page that asked reloads itself."""
        if not bench.ready.is_set():
            return Response(status_code=204)
        return Response(headers={"HX-Refresh": "true"})

    @app.get("/progress", response_class=HTMLResponse)
    def progress(request: Request, was_busy: bool = False):
        data = views.progress(bench)
        headers = {"HX-Trigger": "analysis-done"} if was_busy and not data["busy"] else None
        return render(request, "_progress.html", headers=headers, **data)

    # ------------------------------------------------------------ pages: one report

    @app.get("/reports/{report_id}", response_class=HTMLResponse)
    def report_page(request: Request, row: ReportDep):
        if row.status != "done" or not bench.ready.is_set():
            return render(request, "pending.html", row=row, status_labels=views.STATUS_LABELS)
        return render(request, "report.html", headers={"Link": f'</api/reports/{row.id}>; rel="alternate"; type="application/json"'},
                      **views.report_page(bench, row))

    @app.get("/reports/{report_id}/cells/{key}", response_class=HTMLResponse)
    def cell(request: Request, row: DoneDep, key: str):
        data = views.cell_detail(bench, row, key)
        if data is None:
            raise HTTPException(404, "未找到该单元格")
        data["box"] = _box(data["box"], bench.store.stored_file(row.id), data["source"]) if data["pdf"] else None
        return render(request, "_cell.html", **data)

    @app.get("/reports/{report_id}/pages/{number}.png")
    def page_image(row: DoneDep, number: int):
        path = bench.store.stored_file(row.id)
        if bench.finished(row.id).format != "pdf" or path is None:
            raise HTTPException(404, "该报告不是 PDF，没有页面图像")
        png = render_page(path, number, cache=bench.store.workspace / "cache" / "pages")
        if png is None:
            raise HTTPException(404, "页码超出范围")
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    @app.post("/reports/{report_id}/findings/{finding_id}", response_class=HTMLResponse)
    def decide_form(request: Request, row: DoneDep, finding_id: str, decision: str = Form(""),
                    reason: str = Form("", max_length=REASON_LIMIT)):
        check_finding(finding_id, row)
        body = {"decision": None if decision == "withdraw" else decision, "reason": reason}
        error = _decision_error(body)
        if not error:
            bench.decide(finding_id, body["decision"], reason.strip())
        if not is_htmx(request):
            if error:
                raise HTTPException(400, error)
            return RedirectResponse(f"/reports/{row.id}#{finding_id}", status_code=303)
        data = views.report_page(bench, row)
        return render(request, "_report_body.html", status=400 if error else 200, partial=True,
                      form_error={"id": finding_id, "message": error} if error else None, **data)

    # ------------------------------------------------------------ pages: review

    @app.get("/reports/{report_id}/review", response_class=HTMLResponse)
    def review_page(request: Request, row: DoneDep, saved: bool = False):
        comment, generated, edit = views.comments(bench, row)
        stale = views.out_of_date(bench, row, edit, generated) if edit else []
        return render(request, "review.html", row=row, comment=comment, generated=generated, edit=edit,
                      stale=stale, saved=saved, result=bench.decided(row.id))

    @app.post("/reports/{report_id}/review")
    def review_save(row: DoneDep, overall: str = Form("", max_length=FIELD_LIMIT),
                    problems: str = Form("", max_length=FIELD_LIMIT), suggestions: str = Form("", max_length=FIELD_LIMIT),
                    closing: str = Form("", max_length=FIELD_LIMIT)):
        if not overall.strip():
            raise HTTPException(400, "“总体评价”不能为空")
        bench.store.save_review(report_key=bench.report_key(row.id), overall=overall.strip(),
                                problems=_items(problems), suggestions=_items(suggestions), closing=closing.strip(),
                                basis=views.basis(bench, row))
        return RedirectResponse(f"/reports/{row.id}/review?saved=1", status_code=303)

    @app.post("/reports/{report_id}/review/reset")
    def review_reset(row: DoneDep):
        bench.store.drop_review(bench.report_key(row.id))
        return RedirectResponse(f"/reports/{row.id}/review", status_code=303)

    # ------------------------------------------------------------ pages: 整改

    @app.get("/reports/{report_id}/rectification", response_class=HTMLResponse)
    def rectification_page(request: Request, row: DoneDep):
        prev_row, recurring = views.recurrence(bench, row.id)
        return render(request, "rectification.html", row=row, result=bench.decided(row.id),
                      items=views.rectification_items(bench, row.id), previous=prev_row, recurring=recurring)

    @app.post("/reports/{report_id}/rectification/{finding_id}", response_class=HTMLResponse)
    def rectification_save(request: Request, row: DoneDep, finding_id: str,
                           unit: str = Form("", max_length=200), measure: str = Form("", max_length=FIELD_LIMIT),
                           state: str = Form("未整改"), due: str = Form(""), done: str = Form("")):
        check_finding(finding_id, row)
        if state not in RECTIFICATION_STATES:
            raise HTTPException(400, "整改状态须为：" + "、".join(RECTIFICATION_STATES))
        for value in (due, done):
            if value and not _is_date(value):
                raise HTTPException(400, "日期格式应为 YYYY-MM-DD")
        bench.store.save_rectification(finding_id=finding_id, unit=unit.strip(), measure=measure.strip(),
                                       state=state, due=due, done=done)
        if not is_htmx(request):
            return RedirectResponse(f"/reports/{row.id}/rectification#{finding_id}", status_code=303)
        item = next(it for it in views.rectification_items(bench, row.id) if it["id"] == finding_id)
        return render(request, "_rect_row.html", row=row, it=item, saved=True)

    @app.get("/reports/{report_id}/rectification.xlsx")
    def rectification_xlsx(row: DoneDep):
        meta = bench.decided(row.id).meta
        title = f"{meta.agency or row.file}{meta.year or ''}年度政府信息公开工作年度报告问题整改清单"
        data = exports.rectification_xlsx(title, views.rectification_items(bench, row.id))
        return Response(data, media_type=exports.XLSX_TYPE,
                        headers={"Content-Disposition": exports.attachment(f"{meta.agency or 'report'}{meta.year or ''}问题整改清单.xlsx")})

    # ------------------------------------------------------------ pages: years, 汇编

    @app.get("/agencies/{key}", response_class=HTMLResponse)
    def agency_page(request: Request, key: str):
        if not bench.ready.is_set():
            raise HTTPException(503, LOADING)
        data = views.agency_page(bench, key[:100])
        if data is None:
            raise HTTPException(404, "未找到该机关的报告")
        return render(request, "agency.html", **data)

    @app.get("/years/{year}/compilation.docx")
    def compilation(year: int):
        if not bench.ready.is_set():
            raise HTTPException(503, LOADING)
        if year not in bench.years():
            raise HTTPException(404, "没有该年度的报告")
        ranking = bench.ranking(year)
        comments = [views.comments(bench, bench.row(r.source))[0] for r in ranking.ranked]
        levels = {r.source: LEVEL_LABELS.get(r.level, "") for r in ranking.ranked}
        data = exports.compilation_docx(year, ranking, comments, levels=levels)
        return Response(data, media_type=exports.DOCX_TYPE,
                        headers={"Content-Disposition": exports.attachment(f"{year}年度报告评审意见汇编.docx")})

    # ------------------------------------------------------------ sign-in

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "/"):
        return render(request, "login.html", next=_local(next), failed=False, signed_in=False)

    @app.post("/login")
    def login(request: Request, password: str = Form("", max_length=1000), next: str = Form("/")):
        if auth is None:
            return RedirectResponse(_local(next), status_code=303)
        if not auth.check_password(password):
            return render(request, "login.html", status=401, next=_local(next), failed=True, signed_in=False)
        response = RedirectResponse(_local(next), status_code=303)
        response.set_cookie(security.SESSION_COOKIE, auth.new_session(), httponly=True, samesite="strict",
                            max_age=security.SESSION_HOURS * 3600, secure=request.url.scheme == "https")
        return response

    @app.post("/logout")
    def logout():
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(security.SESSION_COOKIE)
        return response

    return app


def _box(bbox, pdf: Path | None, source) -> dict | None:
    """A cell's box (x0, top, x1, bottom in PDF points, pdfplumber's convention) with its page's size."""
    if not bbox or pdf is None or len(bbox) != 4:
        return None
    size = page_size(pdf, source.page)
    if size is None:
        return None
    x0, top, x1, bottom = (float(v) for v in bbox)
    return {"x0": x0, "top": top, "x1": x1, "bottom": bottom, "page_width": size[0], "page_height": size[1]}


def _decision_error(body) -> str | None:
    """What is wrong with a decision's body, or None."""
    if not isinstance(body, dict) or "decision" not in body:
        return "请求体须为 JSON 对象，含 decision（confirmed 或 dismissed）和 reason"
    decision, reason = body.get("decision"), body.get("reason", "")
    if decision not in ("confirmed", "dismissed", None):
        return "decision 须为 confirmed（确认）或 dismissed（驳回）"
    if reason is not None and not isinstance(reason, str):
        return "reason 须为文字"
    if len(reason or "") > REASON_LIMIT:
        return f"理由不超过 {REASON_LIMIT} 字"
    if decision == "dismissed" and not (reason or "").strip():
        return "驳回问题须填写理由"
    return None


def _items(text: str) -> list[str]:
    out = []
    for line in text.replace("\r", "").split("\n"):
        line = line.strip()
        # "1. xxx" as the editor shows it: the number is the writer's, not the text's.
        for sep in (". ", "．", "、"):
            head, _, rest = line.partition(sep)
            if rest and head.isdigit():
                line = rest.strip()
                break
        if line:
            out.append(line)
    return out


def _is_date(text: str) -> bool:
    from datetime import date

    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _local(target: str) -> str:
    """Only a path on this server may follow a sign-in (no open redirect)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"
