"""The one SparkSession of the process: local mode, a cluster master, or Spark Connect, by settings.

| setting | meaning |
|---|---|
| ASSISTANT_SPARK_REMOTE | `sc://host:15002`: use that Spark Connect server (the cluster does the work) |
| ASSISTANT_SPARK_MASTER | classic master when no remote: `local[2]` (default), `spark://host:7077`, `yarn` |
| ASSISTANT_SPARK_MEMORY | driver memory for a local or client-mode driver (default 4g) |
| ASSISTANT_SPARK_PARTITIONS | spark.sql.shuffle.partitions (default 4: right for local mode; raise on a cluster) |
| ASSISTANT_SPARK_CONF | more settings, `key=value;key=value` (e.g. spark.executor.memory=8g) |

A JVM takes seconds to start, so the session is made once and shared by every SparkWarehouse.
"""

from __future__ import annotations

import os
import shutil
import threading
import warnings
from typing import Any

from tools.result import ToolError

# PySpark 4.3 warns on every conversion that pandas 3 is "not yet fully supported" and about
# pandas' copy keyword inside its own code; the paths used here (Arrow toPandas, collect) are
# checked by tests/test_engines.py, so the warnings would only bury the user's output.
warnings.filterwarnings("ignore", module=r"pyspark\..*")

_SESSION: Any = None
_LOCK = threading.Lock()

# Settings the assistant relies on, whatever the deployment: ANSI errors (overflow and bad casts
# fail as they do in DuckDB), UTC (timestamps are shop-local wall times, never shifted), no
# `SELECT … FROM parquet.`/path`` (the read-only guard's file rule holds on the engine too).
_FIXED_CONF = {
    "spark.sql.ansi.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.runSQLOnFiles": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def _extra_conf() -> dict[str, str]:
    pairs = [p for p in os.environ.get("ASSISTANT_SPARK_CONF", "").split(";") if p.strip()]
    extra = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ToolError("bad_engine_settings", f"ASSISTANT_SPARK_CONF: '{pair}' is not key=value.",
                            f"ASSISTANT_SPARK_CONF：“{pair}”不是 key=value 形式。")
        extra[key.strip()] = value.strip()
    return extra


def is_connect(spark: Any) -> bool:
    return type(spark).__module__.startswith("pyspark.sql.connect")


def _unavailable(reason: str, zh_reason: str) -> ToolError:
    return ToolError(
        "engine_unavailable",
        f"The Spark engine cannot start: {reason}. Use the DuckDB engine (the default), or see docs/engines.md.",
        f"Spark 引擎无法启动：{zh_reason}。请使用默认的 DuckDB 引擎，或参阅 docs/engines.md。",
    )


def _builder() -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise _unavailable("pyspark is not installed (uv sync installs it)",
                           "未安装 pyspark（uv sync 会安装）") from None
    remote = os.environ.get("ASSISTANT_SPARK_REMOTE", "").strip()
    builder = SparkSession.builder.appName("live-commerce-assistant")
    if remote:
        builder = builder.remote(remote)
    else:
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            raise _unavailable("Java 17 or newer is needed (e.g. apt-get install openjdk-17-jre-headless)",
                               "需要 Java 17 或更高版本（如 apt-get install openjdk-17-jre-headless）")
        master = os.environ.get("ASSISTANT_SPARK_MASTER", "local[2]").strip()
        builder = builder.master(master).config("spark.driver.memory", os.environ.get("ASSISTANT_SPARK_MEMORY", "4g"))
        builder = builder.config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
        builder = builder.config("spark.driver.maxResultSize", "1g")  # caps what one answer pulls back
        if master.startswith("local"):
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # a local engine listens on loopback only
            builder = builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
    builder = builder.config("spark.sql.shuffle.partitions", os.environ.get("ASSISTANT_SPARK_PARTITIONS", "4"))
    for key, value in {**_FIXED_CONF, **_extra_conf()}.items():
        builder = builder.config(key, value)
    return builder


def _quiet_query_errors() -> None:
    """PySpark logs every failed query's JVM stack trace (kilobytes of JSON) to stderr; the error
    itself reaches the asker as a ToolError. Made through PySparkLogger: it logs with extra kwargs."""
    from pyspark.logger import PySparkLogger

    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).disabled = True


def spark_session() -> Any:
    """The shared session, started on first use."""
    global _SESSION
    with _LOCK:
        if _SESSION is None:
            builder = _builder()
            try:
                session = builder.getOrCreate()
            except Exception as error:  # noqa: BLE001 - JVM, network and config failures alike
                first = (str(error).strip().splitlines() or [type(error).__name__])[0]
                raise _unavailable(first, first) from None
            _quiet_query_errors()
            if not is_connect(session):
                # Failed queries become ToolErrors; the JVM's own multi-KB traces would only be noise.
                session.sparkContext.setLogLevel(os.environ.get("ASSISTANT_SPARK_LOG_LEVEL", "FATAL"))
            for key, value in _FIXED_CONF.items():  # a pre-existing (shared) session gets them too
                session.conf.set(key, value)
            _SESSION = session
        return _SESSION


def stop_session() -> None:
    global _SESSION
    with _LOCK:
        if _SESSION is not None:
            _SESSION.stop()
            _SESSION = None
