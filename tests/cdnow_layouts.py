"""The public CDNOW sample (shipped in the `lifetimes` wheel) written in two layouts an operator might upload.

raw: the English columns of the published dataset, dates as integers (19970101).
gbk: the same rows with Chinese headers and dashed dates, encoded GBK as a Chinese-locale Excel saves CSV.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

RAW_COLUMNS = ["customer_id", "date", "number_of_cds", "dollar_value"]
GBK_COLUMNS = {"customer_id": "用户ID", "date": "购买日期", "number_of_cds": "购买CD数量", "dollar_value": "消费金额"}


def sample_path() -> Path | None:
    spec = importlib.util.find_spec("lifetimes")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "datasets" / "CDNOW_sample.txt"
    return path if path.exists() else None


def transactions(path: Path) -> pd.DataFrame:
    """The sample's rows: customer id, date (int yyyymmdd), CDs, dollars (the second id column is dropped)."""
    raw = pd.read_csv(path, sep=r"\s+", header=None, names=["customer_id", "index", "date", "number_of_cds",
                                                            "dollar_value"])
    return raw[RAW_COLUMNS]


def write_layouts(folder: Path, path: Path) -> dict[str, Path]:
    rows = transactions(path)
    raw = folder / "cdnow_raw.csv"
    rows.to_csv(raw, index=False)
    gbk = folder / "CDNOW订单.csv"
    dashed = rows.assign(date=pd.to_datetime(rows["date"].astype(str), format="%Y%m%d").dt.strftime("%Y-%m-%d"))
    dashed.rename(columns=GBK_COLUMNS).to_csv(gbk, index=False, encoding="gbk")
    return {"raw": raw, "gbk": gbk}
