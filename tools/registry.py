"""One registry of vetted tools, read by the router, the CLI, the Python API (and later the agent).

A tool is a plain typed function `fn(ctx: Context, **args) -> ToolResult`. Its name is the
function name, its description the docstring, and its argument schema comes from the signature.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pydantic

from tools.context import Context
from tools.result import ToolError, ToolResult

ToolFunction = Callable[..., ToolResult]


@dataclass
class Tool:
    name: str
    function: ToolFunction
    description: str
    args_model: type[pydantic.BaseModel]

    def json_schema(self) -> dict[str, Any]:
        return self.args_model.model_json_schema()

    def summary(self) -> str:
        return self.description.strip().splitlines()[0]


REGISTRY: dict[str, Tool] = {}


def _args_model(fn: ToolFunction) -> type[pydantic.BaseModel]:
    fields: dict[str, Any] = {}
    hints = inspect.get_annotations(fn, eval_str=True)
    for name, param in list(inspect.signature(fn).parameters.items())[1:]:  # skip ctx
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[name] = (hints[name], default)
    config = pydantic.ConfigDict(extra="forbid")
    return pydantic.create_model(f"{fn.__name__}_args", __config__=config, **fields)


def tool(fn: ToolFunction) -> ToolFunction:
    """Register a function as a vetted tool."""
    REGISTRY[fn.__name__] = Tool(
        name=fn.__name__,
        function=fn,
        description=inspect.getdoc(fn) or fn.__name__,
        args_model=_args_model(fn),
    )
    return fn


def _describe_validation_error(tool_name: str, error: pydantic.ValidationError) -> ToolError:
    problems = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "arguments"
        problems.append(f"{where}: {item['msg']}")
    allowed = ", ".join(REGISTRY[tool_name].args_model.model_fields) or "(none)"
    detail = "; ".join(problems)
    return ToolError(
        "bad_arguments",
        f"Invalid arguments for {tool_name}: {detail}. Allowed arguments: {allowed}.",
        f"{tool_name} 的参数有误：{detail}。可用参数：{allowed}。",
    )


def get_tool(name: str) -> Tool:
    load_builtin_tools()
    if name not in REGISTRY:
        known = ", ".join(sorted(REGISTRY))
        raise ToolError(
            "unknown_tool",
            f"There is no tool named '{name}'. Available tools: {known}.",
            f"没有名为“{name}”的工具。可用工具：{known}。",
        )
    return REGISTRY[name]


def call_tool(ctx: Context, name: str, args: dict[str, Any] | None = None) -> ToolResult:
    """Validate `args` against the tool's signature, then run it."""
    spec = get_tool(name)
    try:
        parsed = spec.args_model.model_validate(args or {})
    except pydantic.ValidationError as error:
        raise _describe_validation_error(name, error) from None
    return spec.function(ctx, **parsed.model_dump())


def all_tools() -> list[Tool]:
    load_builtin_tools()
    return [REGISTRY[name] for name in sorted(REGISTRY)]


def load_builtin_tools() -> None:
    """Import every module of the `tools` package: tool modules register themselves on import."""
    import tools

    for module in pkgutil.iter_modules(tools.__path__):
        importlib.import_module(f"tools.{module.name}")
