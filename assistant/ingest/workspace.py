"""Imported datasets in the workspace: one DuckDB file each, written atomically, listed in a small
JSON registry. A failed import leaves every existing dataset exactly as it was."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from assistant.config import workspace
from assistant.ingest.build import ImportReport, build_dataset
from assistant.ingest.mapping import apply_overrides, load_mapping_file, missing_required, propose_mapping
from assistant.ingest.readers import read_source
from assistant.ingest.types import RawTable, TableMapping
from tools.result import ToolError

REGISTRY_FILE = "datasets.json"


@dataclass
class DatasetInfo:
    name: str
    path: str
    source: str
    fingerprint: str
    imported_at: str
    rows: dict[str, int]


@dataclass
class ImportResult:
    dataset: DatasetInfo | None
    report: ImportReport
    mappings: list[TableMapping]
    reused: bool = False


def datasets_dir() -> Path:
    folder = workspace() / "datasets"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def rejected_rows_path(name: str) -> Path:
    """The rejected rows of a dataset's last import, with the reason for each (CSV)."""
    return datasets_dir() / f"{name}.rejected.csv"


def _registry_path() -> Path:
    return datasets_dir() / REGISTRY_FILE


def list_datasets() -> dict[str, DatasetInfo]:
    path = _registry_path()
    if not path.exists():
        return {}
    entries = json.loads(path.read_text(encoding="utf-8"))
    return {name: DatasetInfo(**entry) for name, entry in entries.items()}


def _write_registry(entries: dict[str, DatasetInfo]) -> None:
    path = _registry_path()
    tmp = path.with_suffix(f".tmp-{os.getpid()}")
    tmp.write_text(json.dumps({k: asdict(v) for k, v in entries.items()}, ensure_ascii=False, indent=2),
                   encoding="utf-8")
    os.replace(tmp, path)


def _slug(text: str) -> str:
    slug = re.sub(r"[^\w\-]+", "_", Path(text).stem, flags=re.UNICODE).strip("_")
    return slug[:60] or "dataset"


def fingerprint(source: Path, overrides: dict | None) -> str:
    """Same files and the same mapping give the same fingerprint: re-importing is a no-op."""
    digest = hashlib.sha256()
    files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
    for file in files:
        digest.update(file.name.encode())
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    digest.update(json.dumps(overrides or {}, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def _mappings(raws: list[RawTable], overrides: dict | None) -> list[TableMapping]:
    mappings = []
    for raw in raws:
        mapping = propose_mapping(raw)
        override = (overrides or {}).get(raw.name) or (overrides or {}).get(Path(raw.source).name)
        if override:
            mapping = apply_overrides(mapping, override)
        mappings.append(mapping)
    return mappings


def _require_orders(mappings: list[TableMapping]) -> None:
    orders = [m for m in mappings if m.kind == "orders"]
    if orders:
        return
    gaps = "; ".join(f"{m.raw_name}: {', '.join(missing_required(m)) or m.kind}" for m in mappings)
    raise ToolError(
        "no_orders_table",
        "No orders table found: an orders table needs a customer, an order time and an amount column "
        f"({gaps}). Correct the column mapping and try again.",
        f"没有找到订单表：订单表需要客户、下单时间和金额三列（{gaps}）。请修正列映射后重试。",
    )


def _write_duckdb(tables: dict[str, pd.DataFrame], target: Path) -> None:
    """Write to a temporary file beside the target, then swap it in: never a half-written dataset."""
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp))
        try:
            for name, frame in tables.items():
                con.register("incoming", frame)
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM incoming')
                con.unregister("incoming")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)


def plan_import(
    source: str | os.PathLike[str],
    mapping_file: str | os.PathLike[str] | None = None,
    overrides: dict[str, dict[str, str | None]] | None = None,
):
    """Read and map without writing anything: what the person reviews before committing.

    `overrides` (table name -> {role: column or None, "kind"?: kind}) are the person's corrections,
    applied over those of `mapping_file`."""
    path = Path(source).expanduser()
    if not path.exists():
        raise ToolError("data_not_found", f"No such file or folder: {path}", f"找不到文件或文件夹：{path}")
    from_file = load_mapping_file(mapping_file) if mapping_file else {}
    overrides = {**from_file, **(overrides or {})} or None
    raws = read_source(path)
    return path, overrides, raws, _mappings(raws, overrides)


def import_dataset(
    source: str | os.PathLike[str],
    name: str | None = None,
    mapping_file: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
    overrides: dict[str, dict[str, str | None]] | None = None,
) -> ImportResult:
    path, overrides, raws, mappings = plan_import(source, mapping_file, overrides)
    _require_orders(mappings)
    name = name or _slug(path.name)
    print_key = fingerprint(path, overrides)
    existing = list_datasets()
    if not dry_run and name in existing and existing[name].fingerprint == print_key \
            and Path(existing[name].path).exists():
        return ImportResult(existing[name], ImportReport(rows_loaded=existing[name].rows), mappings, reused=True)
    tables, report = build_dataset(raws, mappings)
    if "orders" not in tables or tables["orders"].empty:
        raise ToolError(
            "no_valid_orders",
            "No order row could be imported: " + report.summary("en"),
            "没有任何订单行可以导入：" + report.summary("zh"),
        )
    if dry_run:
        return ImportResult(None, report, mappings)
    target = datasets_dir() / f"{name}.duckdb"
    _write_duckdb(tables, target)
    report.rejected.to_csv(rejected_rows_path(name), index=False, encoding="utf-8-sig")
    info = DatasetInfo(name, str(target), str(path), print_key, datetime.now().isoformat(timespec="seconds"),
                       report.rows_loaded)
    _write_registry({**existing, name: info})
    return ImportResult(info, report, mappings)
