"""Imported datasets in the workspace: one DuckDB file each, written atomically, listed in a small
JSON registry. A failed import leaves every existing dataset exactly as it was."""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import re
import threading
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from assistant.config import workspace, workspace_secret
from assistant.ingest.build import ImportReport, build_dataset
from assistant.ingest.mapping import apply_overrides, load_mapping_file, missing_required, propose_mapping
from assistant.ingest.readers import read_source
from assistant.ingest.types import RawTable, TableMapping
from tools.privacy import mask_text
from tools.result import ToolError
from tools.sealing import contacts_path, private_file, record_path, seal

REGISTRY_FILE = "datasets.json"
log = logging.getLogger("assistant.ingest")
_REGISTRY_LOCK = threading.Lock()  # imports in one process (web sessions) update the registry in turn


@dataclass
class DatasetInfo:
    name: str
    path: str
    source: str
    fingerprint: str
    imported_at: str
    rows: dict[str, int]
    # What makes the dataset's figures doubtful, in both languages ({"code", "en", "zh"}): every answer
    # that rests on it says so (assistant/engine.py).
    caveats: list[dict[str, str]] = field(default_factory=list)


@dataclass
class ImportResult:
    dataset: DatasetInfo | None
    report: ImportReport
    mappings: list[TableMapping]
    reused: bool = False


def datasets_dir() -> Path:
    folder = workspace() / "datasets"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
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
    tmp = _temp_beside(path)
    try:
        tmp.write_text(json.dumps({k: asdict(v) for k, v in entries.items()}, ensure_ascii=False, indent=2),
                       encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def dataset_caveats(path: str | os.PathLike[str]) -> list[dict[str, str]]:
    """The caveats recorded when the dataset at `path` was imported (none for other files)."""
    try:
        wanted = Path(path).resolve()
        return next((list(info.caveats) for info in list_datasets().values() if Path(info.path).resolve() == wanted),
                    [])
    except (OSError, ValueError, TypeError, json.JSONDecodeError):
        return []  # an unreadable registry costs the caveat, never the answer


def _temp_beside(path: Path) -> Path:
    """A unique temporary name in the same folder (so os.replace is atomic); never a listed dataset."""
    return path.with_name(f"{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")


def _slug(text: str) -> str:
    # Masked first: a file named after a customer's phone number must not name the dataset with it.
    slug = re.sub(r"[^\w\-]+", "_", mask_text(Path(text).stem), flags=re.UNICODE).strip("_")
    return slug[:60] or "dataset"


def dataset_slug(name: str) -> str:
    """An explicit dataset name (CLI --name, Python API) as a safe file stem inside the workspace:
    no path separators, dots or control characters ("../../x" -> "x")."""
    slug = re.sub(r"[^\w\-]+", "_", mask_text(name), flags=re.UNICODE).strip("_-")
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
    orders = [m for m in mappings if m.kind == "orders" or (m.kind == "live_sessions" and "start_time" in m.roles)]
    if orders:
        return
    gaps = "; ".join(f"{m.raw_name}: {', '.join(missing_required(m)) or m.kind}" for m in mappings)
    kinds = {m.kind for m in mappings}
    if kinds and kinds <= {"customers", "products"}:
        # a customer list (one row per customer, lifetime totals) or a product report is read as what it is,
        # never as orders: its totals are not purchases, so alone it cannot answer a question about buying
        what_en = " and ".join({"customers": "a customer list (one row per customer)",
                                "products": "a product list or report (one row per product)"}[k] for k in sorted(kinds))
        what_zh = "和".join({"customers": "客户列表（每行一位客户）",
                             "products": "商品列表或商品报表（每行一个商品）"}[k] for k in sorted(kinds))
        raise ToolError(
            "no_orders_table",
            f"This file is {what_en}, not an order export ({gaps}): its totals per customer or product are not "
            "orders, so they are not imported as purchases. Upload it together with the shop's order export "
            "(one row per order), or correct the column mapping if it does hold one row per order.",
            f"这个文件是{what_zh}，不是订单导出（{gaps}）：其中按客户或商品汇总的数字不是一笔笔订单，不会当作购买导入。"
            "请与店铺的订单导出（每行一笔订单）一起上传；如果它确实是每行一笔订单，请修正列映射。",
        )
    raise ToolError(
        "no_orders_table",
        "No orders table found: an orders table needs a customer, an order time and an amount column "
        f"({gaps}). Correct the column mapping and try again.",
        f"没有找到订单表：订单表需要客户、下单时间和金额三列（{gaps}）。请修正列映射后重试。",
    )


def _write_duckdb(tables: dict[str, pd.DataFrame], target: Path) -> None:
    """Write to a temporary file beside the target, then swap it in: never a half-written dataset."""
    tmp = _temp_beside(target)
    try:
        con = duckdb.connect(str(tmp))
        private_file(tmp)
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
    name = dataset_slug(name) if name else _slug(path.name)
    print_key = fingerprint(path, overrides)
    existing = list_datasets()
    if not dry_run and name in existing and existing[name].fingerprint == print_key \
            and Path(existing[name].path).exists():
        return ImportResult(existing[name], ImportReport(rows_loaded=existing[name].rows), mappings, reused=True)
    try:
        tables, report = build_dataset(raws, mappings)
    except ToolError:
        raise
    except Exception:  # a bug or an odd file: say so plainly; nothing has been written yet
        log.exception("import failed while building the dataset from %s", path)
        raise _internal_failure() from None
    report_only = "orders" not in tables and not tables.get("live_sessions", pd.DataFrame()).empty
    if not report_only and ("orders" not in tables or tables["orders"].empty):
        raise ToolError(
            "no_valid_orders",
            "No order row could be imported: " + report.summary("en"),
            "没有任何订单行可以导入：" + report.summary("zh"),
        )
    if dry_run:
        return ImportResult(None, report, mappings)
    target = datasets_dir() / f"{name}.duckdb"
    info = DatasetInfo(name, str(target), mask_text(str(path)), print_key,  # a file may be named after a phone
                       datetime.now().isoformat(timespec="seconds"), report.rows_loaded, report.caveats())
    try:
        with _REGISTRY_LOCK:
            _commit(tables, report, target, rejected_rows_path(name), name, info)
    except (OSError, duckdb.Error) as error:
        raise _write_failure(error) from None
    except Exception:
        log.exception("import failed while saving the dataset %s", name)
        raise _internal_failure() from None
    return ImportResult(info, report, mappings)


def _internal_failure() -> ToolError:
    return ToolError(
        "import_failed",
        "The import failed (an internal error; details are in the log). Nothing was saved and your "
        "existing datasets are unchanged.",
        "导入失败（内部错误，详情见日志）。未保存任何内容，已有数据集未受影响。",
    )


def _commit(tables: dict[str, pd.DataFrame], report: ImportReport, target: Path, rejected: Path, name: str,
            info: DatasetInfo) -> None:
    """All or nothing: write every file to a temporary name first, then swap them in and update the
    registry; if any step fails, the previous dataset, contact store, rejected rows and registry are
    put back. The dataset is written sealed (tools.sealing): personal columns masked, a personal
    customer key replaced by a surrogate, the raw contact details in the contact store beside it."""
    tmp_rejected, tmp_raw = _temp_beside(rejected), _temp_beside(target)
    tmp_db = target.with_name(f".{target.stem}.importing-{uuid.uuid4().hex[:8]}.duckdb")
    contacts, tmp_contacts = contacts_path(target), contacts_path(tmp_db)
    record, tmp_record = record_path(target), record_path(tmp_db)
    backups: dict[Path, Path] = {}
    swapped: list[Path] = []
    try:
        report.rejected.to_csv(tmp_rejected, index=False, encoding="utf-8-sig")
        private_file(tmp_rejected)
        _write_duckdb(tables, tmp_raw)
        seal(tmp_raw, tmp_db, workspace_secret(), personal_keys=("customer_id",) if report.personal_key else ())
        tmp_raw.unlink(missing_ok=True)
        for final in (target, contacts, record, rejected):
            if final.exists():  # a hard link keeps the old version without needing any disk space
                backups[final] = _temp_beside(final)
                os.link(final, backups[final])
        os.replace(tmp_db, target)
        swapped.append(target)
        os.replace(tmp_record, record)  # the seal's record travels with its file (same size and time)
        swapped.append(record)
        if tmp_contacts.exists():
            os.replace(tmp_contacts, contacts)
            swapped.append(contacts)
        elif contacts.exists():  # the new version has no personal data: no stale store beside it
            contacts.unlink()
            swapped.append(contacts)
        os.replace(tmp_rejected, rejected)
        swapped.append(rejected)
        _write_registry({**list_datasets(), name: info})
    except BaseException:
        for final in swapped:
            if final in backups:
                os.replace(backups.pop(final), final)
            else:
                final.unlink(missing_ok=True)
        raise
    finally:
        for leftover in (tmp_rejected, tmp_raw, tmp_db, tmp_contacts, tmp_record, Path(f"{tmp_raw}.wal")):
            leftover.unlink(missing_ok=True)
        for backup in backups.values():
            backup.unlink(missing_ok=True)


def _write_failure(error: BaseException) -> ToolError:
    folder = datasets_dir()
    if (isinstance(error, OSError) and error.errno == errno.ENOSPC) or "no space left" in str(error).lower():
        return ToolError(
            "disk_full",
            f"The disk is full: the import was not saved. Free some space on the disk holding {folder} "
            "and import again. Your existing datasets are unchanged.",
            f"磁盘已满：本次导入未保存。请清理 {folder} 所在磁盘的空间后重新导入。已有数据集未受影响。",
        )
    log.error("could not write the imported dataset: %s", error)
    reason = error.strerror if isinstance(error, OSError) and error.strerror else type(error).__name__
    return ToolError(
        "write_failed",
        f"Could not save the imported dataset in {folder} ({reason}). Your existing datasets are unchanged.",
        f"无法在 {folder} 中保存导入的数据集（{reason}）。已有数据集未受影响。",
    )
