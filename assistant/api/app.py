"""The JSON API beside the web app. Every answer is the CLI's `--json` contract (assistant/answer.py),
extended with `conversation_id` and `dataset`; errors are answers too, with a matching status."""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any

import plotly
from fastapi import APIRouter, Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from assistant.api.access import check_caller
from assistant.api.errors import ERROR_STATUS, error_response, status_for
from assistant.api.limits import BodyLimit
from assistant.api.published import PLOTLY_JS_ROUTE
from assistant.api.schemas import (
    ERROR_RESPONSES,
    AnswerOut,
    AskRequest,
    DatasetOut,
    HealthOut,
    ToolOut,
    ToolRequest,
)
from assistant.api.service import Service
from tools.registry import all_tools, get_tool
from tools.result import ToolError

log = logging.getLogger("assistant.api")


def package_version() -> str:
    try:
        return version("live-commerce-assistant")
    except PackageNotFoundError:
        return "0"


def caller(authorization: Annotated[str | None, Header(include_in_schema=False)] = None) -> str:
    """The caller's name (`token:<label>` or `local`); 401 without a valid token when tokens are needed."""
    return check_caller(authorization)


Caller = Annotated[str, Depends(caller)]


def build_api(service: Service) -> FastAPI:
    app = FastAPI(
        title="Live-commerce Analytics API · 直播电商客户分析助手",
        version=package_version(),
        description="Vetted customer analytics over your shop data. Answers use the same JSON contract as "
                    "`assistant ask --json`. Send `Authorization: Bearer <token>` when ASSISTANT_API_TOKENS is set.",
        # Served by `docs_routes` instead, behind the same token as the endpoints they describe.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.add_middleware(BodyLimit)
    _error_handlers(app)
    app.include_router(docs_routes(app))
    app.include_router(json_routes(service))
    app.include_router(published_routes(service))
    return app


def finish_routes(app: FastAPI) -> None:
    """Call after every API router is included: any other /api/ or /v1/ path gets our 404 or 405
    (the contract), not the web app's page that is mounted at "/"."""

    @app.api_route("/api/{rest:path}", methods=_METHODS, include_in_schema=False)
    @app.api_route("/v1/{rest:path}", methods=_METHODS, include_in_schema=False)
    def unknown(request: Request, rest: str) -> JSONResponse:
        # Routers are nested (FastAPI keeps included routers whole): the documented paths say what exists.
        path = request.url.path
        elsewhere = any(compile_path(known)[0].match(path) for known in app.openapi()["paths"])
        if elsewhere:
            raise ToolError("method_not_allowed", f"{request.method} is not allowed on {request.url.path}.",
                            f"{request.url.path} 不支持 {request.method} 方法。")
        raise ToolError("not_found", f"There is no API endpoint at {request.url.path}.",
                        f"没有 {request.url.path} 这个接口。")


_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ToolError)
    async def tool_error(request: Request, error: ToolError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if error.code == "unauthorized" else None
        return error_response(error, _language(request), headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:5])
        return error_response(ToolError("bad_request", f"The request does not match the schema: {problems}",
                                        f"请求格式不符合要求：{problems}"), _language(request))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if not request.url.path.startswith(("/api/", "/v1/")):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code)
        code = ERROR_STATUS.get(error.status_code, "bad_request")
        text = str(error.detail)
        response = error_response(ToolError(code, text, text), _language(request))
        response.status_code = error.status_code
        return response

    @app.exception_handler(Exception)
    async def crashed(request: Request, error: Exception) -> JSONResponse:
        log.exception("API request %s failed", request.url.path)
        return error_response(ToolError("internal_error", "Something went wrong; it has been logged.",
                                        "出错了，已记录日志。"), _language(request))


def _language(request: Request) -> str:
    accepted = request.headers.get("accept-language", "")
    return "zh" if accepted.lower().startswith("zh") else "en"


def _answer_response(payload: dict[str, Any]) -> JSONResponse:
    return JSONResponse(payload, status_code=status_for(payload))


OPENAPI_PATH = "/api/openapi.json"


def docs_routes(app: FastAPI) -> APIRouter:
    """The OpenAPI spec and its interactive page. They map every endpoint and argument, so they need
    the token whenever the endpoints do (open only where the API itself is open, see access.py)."""
    router = APIRouter(include_in_schema=False, dependencies=[Depends(caller)])

    @router.get(OPENAPI_PATH)
    def openapi_spec() -> JSONResponse:
        return JSONResponse(app.openapi())

    @router.get("/api/docs")
    def docs_page() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=OPENAPI_PATH, title=f"{app.title} - docs")

    return router


def json_routes(service: Service) -> APIRouter:
    router = APIRouter()
    authorised = [Depends(caller)]

    @router.get("/health", response_model=HealthOut, tags=["service"])
    def health() -> dict[str, Any]:
        """Liveness for load balancers: no token needed, no data shown."""
        return {"status": "ok", "version": package_version(), "llm": service.llm}

    @router.post("/api/ask", response_model=AnswerOut, responses=ERROR_RESPONSES, dependencies=authorised,
                 tags=["answers"])
    def ask(request: AskRequest, who: Caller) -> JSONResponse:
        """Answer a question (Chinese or English) like `assistant ask --json`. Send the returned
        `conversation_id` with the next question to ask a follow-up ("那上上个月呢"); a conversation
        can be continued only with the token that started it."""
        conversation_id, answer = service.ask(request.question, request.conversation_id, request.dataset,
                                              request.language, caller=who)
        payload = answer.to_json(request.max_rows or None)
        payload["conversation_id"] = conversation_id
        payload["dataset"] = service.dataset_name(request.dataset)
        return _answer_response(payload)

    @router.get("/api/tools", response_model=list[ToolOut], dependencies=authorised, tags=["tools"])
    def tools() -> list[dict[str, Any]]:
        """Every vetted tool with its description and JSON schema of arguments (as `assistant tools --json`)."""
        return [{"name": t.name, "description": t.description, "parameters": t.json_schema()} for t in all_tools()]

    @router.post("/api/tools/{name}", response_model=AnswerOut, responses=ERROR_RESPONSES,
                 dependencies=authorised, tags=["tools"])
    def run_tool(name: str, request: ToolRequest) -> JSONResponse:
        """Run one vetted tool, like `assistant tool NAME --args '{...}' --json`."""
        get_tool(name)  # 404 for an unknown tool before any dataset is opened
        answer = service.run_tool(name, request.args, request.dataset, request.language)
        payload = answer.to_json(request.max_rows or None)
        payload["dataset"] = service.dataset_name(request.dataset)
        return _answer_response(payload)

    @router.get("/api/datasets", response_model=list[DatasetOut], dependencies=authorised, tags=["datasets"])
    def datasets() -> list[dict[str, Any]]:
        """The datasets questions can name in `dataset`; the default one first."""
        from assistant.ingest.workspace import list_datasets

        imported = list_datasets()
        out = []
        for name, key in service.cache.datasets().items():
            info = imported.get(name)
            out.append({"name": name, "default": key == service.cache.default_key,
                        "imported_at": info.imported_at if info else None,
                        "rows": dict(info.rows) if info else {}})
        return out

    return router


def published_routes(service: Service) -> APIRouter:
    """Capability URLs (see assistant.api.published): no token, since browsers and chat platforms open them."""
    router = APIRouter(include_in_schema=False)
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

    @router.get("/api/images/{key}.png")
    def image(key: str) -> Response:
        return _published(service, key, "image/png")

    @router.get("/api/charts/{key}")
    def chart(key: str) -> Response:
        return _published(service, key, "text/html; charset=utf-8")

    @router.get(PLOTLY_JS_ROUTE)
    def plotly_script() -> FileResponse:
        return FileResponse(plotly_js, media_type="application/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    return router


def _published(service: Service, key: str, media_type: str) -> Response:
    item = service.publisher.get(key)
    if item is None or item.media_type != media_type:
        raise ToolError("not_found", "This link has expired or never existed.", "该链接已过期或不存在。")
    # The chart page runs our script and plotly.js only; no framing by other sites.
    headers = {"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": "default-src 'none'; script-src 'self' 'unsafe-inline'; "
                                          "style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"}
    return Response(item.body, media_type=media_type, headers=headers)
