"""Personal data is unavailable, not policed: datasets are stored with personal columns masked
(tools.sealing), so no SQL shape reaches a raw value, and the raw contact details are read only by
the contact export an admin asks for."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from assistant.engine import Engine
from tools.sealing import contacts_path, is_sealed

# Shapes that reached raw phones when masking was a check on column names (issue 15).
SHAPES = [
    pytest.param("SELECT customer_id, c['phone'] AS p FROM customers c", id="bracket-access"),
    pytest.param("SELECT customer_id, phone AS p, reverse(p) AS r FROM customers", id="lateral-alias"),
    pytest.param("SELECT c::VARCHAR AS row_text FROM customers c", id="row-cast"),
    pytest.param("SELECT c.customer_id, g.d FROM customers c JOIN generate_series(0, 9999) g(d) "
                 "ON substr(c.phone, 4, 4) = lpad(g.d::VARCHAR, 4, '0')", id="join-on-slice-oracle"),
    pytest.param("SELECT customer_id, substr(phone, 4, 4) AS middle, list(nickname) AS names FROM customers "
                 "GROUP BY ALL", id="slices-and-lists"),
    pytest.param("SELECT customer_id FROM customers WHERE phone LIKE '138%' AND substr(phone, 4, 1) = '0'",
                 id="where-oracle"),
    pytest.param("SELECT string_agg(phone || nickname, ';') AS everything FROM customers", id="string-agg"),
    pytest.param("SELECT to_json(c) AS j FROM customers c", id="to-json"),
]


def _raw_fragments(contacts: pd.DataFrame) -> set[str]:
    """What must never appear: whole phones, reversed phones, a phone's hidden middle digits after
    its prefix (138 + 0013), and nicknames of three characters or more."""
    phones = contacts["phone"].astype(str)
    return (set(phones) | {p[::-1] for p in phones} | {p[:7] for p in phones}
            | {n for n in contacts["nickname"].astype(str) if len(n) >= 3})


@pytest.fixture(scope="module")
def fragments(demo_contacts) -> set[str]:
    return _raw_fragments(demo_contacts)


def _leaks(text: str, fragments: set[str]) -> set[str]:
    """Fragments found in `text`: every substring of a fragment's length is looked up in the set."""
    lengths = {len(f) for f in fragments}
    found = set()
    for size in lengths:
        found |= {text[i:i + size] for i in range(len(text) - size + 1)} & fragments
    return found


def test_the_demo_is_stored_sealed(demo_db: Path, demo_contacts: pd.DataFrame) -> None:
    assert is_sealed(demo_db)
    assert contacts_path(demo_db).is_file()
    for path in (demo_db, contacts_path(demo_db)):
        assert path.stat().st_mode & 0o077 == 0, path  # owner only
    data = demo_db.read_bytes()
    sample = demo_contacts.sample(200, random_state=1)
    assert not [p for p in sample["phone"] if p.encode() in data]  # not even in free blocks of the file
    assert all(re.fullmatch(r"1[3-9]\d{9}", p) for p in sample["phone"])


@pytest.mark.parametrize("sql", SHAPES)
def test_no_sql_shape_reaches_a_raw_value(engine, fragments: set[str], sql: str) -> None:
    answer = engine.sql(sql, limit=10_000)
    assert answer.ok, answer.error
    text = str(answer.to_json(max_rows=None))
    assert not _leaks(text, fragments)
    if "join-on" in sql or "generate_series" in sql:
        assert answer.table().empty  # the masked middle digits match no number


def test_one_value_sentence_is_masked(engine) -> None:
    answer = engine.sql("SELECT max(phone) FROM customers")
    assert answer.ok and "****" in answer.answer


def _raw_shop(path: Path) -> Path:
    """A shop's own DuckDB file as it might arrive: keyed by phone, with stored code in it."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE customers (customer_id VARCHAR, phone VARCHAR, nickname VARCHAR, province VARCHAR, "
                "remark VARCHAR)")
    rows = [(f"1390000{i:04d}", f"1390000{i:04d}", f"买家昵称{i:03d}", "广东", f"备用电话 +852 9{i:03d} 4567")
            for i in range(40)]
    con.executemany("INSERT INTO customers VALUES (?, ?, ?, ?, ?)", rows)
    con.execute("CREATE TABLE orders (order_id VARCHAR, customer_id VARCHAR, order_time TIMESTAMP, status VARCHAR, "
                "pay_amount DOUBLE, note VARCHAR AS (current_setting('temp_directory')))")
    con.executemany("INSERT INTO orders (order_id, customer_id, order_time, status, pay_amount) VALUES (?, ?, ?, ?, ?)",
                    [(f"O{i}", rows[i % 40][0], f"2025-0{1 + i % 9}-1{i % 10} 10:00:00", "paid", 10.0 + i)
                     for i in range(200)])
    con.execute("CREATE VIEW settings_view AS SELECT current_setting('memory_limit') AS leak")
    con.execute("CREATE MACRO leak() AS current_setting('temp_directory')")
    con.close()
    return path


def test_an_unsealed_file_is_read_through_a_sealed_copy(tmp_path: Path, workspace: Path) -> None:
    source = _raw_shop(tmp_path / "shop.duckdb")
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    with Engine(source) as shop:
        assert shop.warehouse.path != source and shop.warehouse.path.parent == workspace / "sealed"
        assert is_sealed(shop.warehouse.path)
        assert set(shop.warehouse.tables) == {"customers", "orders"}  # no view, no marker
        assert "note" not in shop.warehouse.columns("orders")  # generated columns are not copied
        ids = shop.sql("SELECT DISTINCT customer_id FROM orders ORDER BY 1").table()["customer_id"]
        assert all(re.fullmatch(r"C[a-s]{16}", i) for i in ids) and len(ids) == 40  # surrogate keys
        joined = shop.sql("SELECT count(*) AS n FROM orders o JOIN customers c USING (customer_id)").table()
        assert joined["n"].iat[0] == 200  # joins survive the surrogate
        text = str(shop.sql("SELECT * FROM customers").to_json(max_rows=None))
        assert "13900000" not in text and "买家昵称" not in text and "9001 4567" not in text
        refused = shop.sql("SELECT * FROM settings_view")
        assert refused.error and refused.error["code"] == "sql_unknown_table"
        copy = shop.warehouse.path
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before  # the person's file is never changed
    assert copy.stat().st_mode & 0o077 == 0 and contacts_path(copy).stat().st_mode & 0o077 == 0
    with Engine(source) as again:  # the copy is reused while the file is unchanged
        assert again.warehouse.path == copy


def test_contacts_reach_a_file_only_through_the_admins_export(tmp_path: Path, workspace: Path) -> None:
    source = _raw_shop(tmp_path / "shop.duckdb")
    with Engine(source) as shop:
        args = {"segment": "repeat", "scheme": "lifecycle", "include_personal": True}
        refused = shop.run_tool("export_segment", args, "en")
        data = Path(refused.files[0].path).read_text(encoding="utf-8-sig")
        assert "1390000" not in data and "买家昵称" not in data
        allowed = shop.run_tool("export_segment", args, "en", allow_personal=True)
        exported = pd.read_csv(allowed.files[0].path, encoding="utf-8-sig", dtype=str)
    assert allowed.files[0].personal_data
    assert exported["phone"].str.fullmatch(r"1390000\d{4}").all()
    assert exported["nickname"].str.startswith("买家昵称").all()
    assert exported["customer_id"].str.fullmatch(r"C[a-s]{16}").all()


def test_raw_values_added_to_a_sealed_file_are_sealed_again(demo_db: Path, tmp_path: Path, workspace: Path) -> None:
    edited = tmp_path / "edited.duckdb"
    edited.write_bytes(demo_db.read_bytes())
    with duckdb.connect(str(edited)) as con:
        con.execute("UPDATE customers SET phone = '13912345678' WHERE customer_id = (SELECT min(customer_id) "
                    "FROM customers)")
    assert not is_sealed(edited)
    with Engine(edited) as shop:
        assert "13912345678" not in str(shop.sql("SELECT phone FROM customers").to_json(max_rows=None))


def test_an_import_keyed_by_phone_stores_a_surrogate_key(tmp_path: Path, workspace: Path) -> None:
    from assistant.ingest.workspace import import_dataset

    frame = pd.DataFrame({
        "收货人手机": [f"1380013{i % 30:04d}" for i in range(120)],
        "买家昵称": [f"小红书爱好者{i % 30}" for i in range(120)],
        "下单时间": [f"2025-03-{1 + i % 28:02d} 12:00:00" for i in range(120)],
        "实付金额": [50 + i for i in range(120)],
    })
    export = tmp_path / "orders.csv"
    frame.to_csv(export, index=False)
    result = import_dataset(export, name="by-phone")
    path = Path(result.dataset.path)
    assert is_sealed(path) and contacts_path(path).is_file()
    assert path.stat().st_mode & 0o077 == 0
    with Engine(path) as shop:
        ids = shop.sql("SELECT DISTINCT customer_id FROM orders").table()["customer_id"]
        assert len(ids) == 30 and ids.str.fullmatch(r"C[a-s]{16}").all()
        text = str(shop.sql("SELECT * FROM customers").to_json(max_rows=None))
        assert "13800130" not in text and "小红书爱好者" not in text
    data = path.read_bytes()
    assert b"13800130001" not in data and "小红书爱好者".encode() not in data
    with duckdb.connect(str(contacts_path(path)), read_only=True) as con:
        stored = con.execute("SELECT phone, source_customer_key FROM contacts").df()
    assert stored["phone"].str.fullmatch(r"1380013\d{4}").all() and len(stored) == 30
    assert os.path.getsize(path) > 0


def test_name_digests_live_in_the_private_store_only(demo_db: Path, engine, demo_contacts) -> None:
    from tools.sealing import name_mask

    assert "_assistant_names" not in str(engine.sql("SELECT table_name FROM information_schema.tables").to_json())
    with duckdb.connect() as con:  # the file itself is open with the locked configuration: attach it
        con.execute(f"ATTACH '{demo_db}' AS d (READ_ONLY)")
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'd'")
                  .fetchall()}
    assert not {t for t in tables if "name" in t and t.startswith("_")}
    nickname = next(n for n in demo_contacts["nickname"] if len(n) >= 4)
    masked = name_mask(demo_db)(f"客户{nickname}最近没有下单，主播甜甜酱的场次")
    assert nickname not in masked and f"{nickname[0]}**" in masked and "甜甜酱" in masked  # a host is public


def test_an_account_name_used_as_customer_id_becomes_a_surrogate(tmp_path: Path, workspace: Path) -> None:
    """A Taobao export keys buyers by 买家会员名 (their chosen account name), not an opaque id."""
    from assistant.ingest.workspace import import_dataset

    names = ["momo_li", "小红帽2020", "快乐的小猪猪", "王大锤本人"]
    frame = pd.DataFrame({"订单编号": [f"T{i:06d}" for i in range(40)],
                          "买家会员名": [names[i % 4] for i in range(40)],
                          "订单付款时间": [f"2025-04-{1 + i % 28:02d} 10:00:00" for i in range(40)],
                          "买家实际支付金额": [20 + i for i in range(40)]})
    frame.to_csv(tmp_path / "taobao.csv", index=False)
    path = Path(import_dataset(tmp_path / "taobao.csv", name="tb").dataset.path)
    with Engine(path) as shop:
        text = str(shop.sql("SELECT * FROM orders").to_json(max_rows=None))
        ids = shop.sql("SELECT DISTINCT customer_id FROM orders").table()["customer_id"]
        exported = shop.run_tool("export_segment", {"segment": "new", "scheme": "lifecycle",
                                                    "include_personal": True}, "en", allow_personal=True)
    assert not [n for n in names if n in text] and ids.str.fullmatch(r"C[a-s]{16}").all()
    rows = pd.read_csv(exported.files[0].path, encoding="utf-8-sig", dtype=str)
    assert set(rows["platform_buyer_id"]) <= set(names)  # the contact export gives the account back


def test_nested_float_and_full_width_values_are_sealed(tmp_path: Path, workspace: Path) -> None:
    source = tmp_path / "shapes.duckdb"
    with duckdb.connect(str(source)) as con:
        con.execute("CREATE TABLE customers (customer_id VARCHAR, contact DOUBLE, profile STRUCT(tel VARCHAR), "
                    "tags VARCHAR[], extra JSON, remark VARCHAR)")
        con.execute("INSERT INTO customers VALUES ('C1', 13912345678.0, {'tel': '13711113333'}, ['13633334444'], "
                    "'{\"mobile\": \"13555556666\"}', '电话 138\u00a00013\u00a08000，备用 １３９００１３９０００')")
        con.execute("CREATE TABLE orders (order_id VARCHAR, customer_id VARCHAR, order_time TIMESTAMP, "
                    "pay_amount DOUBLE)")
        con.execute("INSERT INTO orders VALUES ('O1', 'C1', TIMESTAMP '2025-01-01 10:00:00', 10.0)")
    with Engine(source) as shop:
        answer = shop.sql("SELECT reverse(contact::VARCHAR) a, reverse(profile::VARCHAR) b, reverse(tags::VARCHAR) c, "
                          "reverse(extra::VARCHAR) d, replace(replace(remark, chr(160), '/'), '０', 'O') e "
                          "FROM customers")
    assert answer.ok, answer.error
    text = str(answer.to_json())
    for raw in ("13912345678", "13711113333", "13633334444", "13555556666"):
        assert raw[::-1] not in text and raw not in text
    assert "0013" not in text and "OO139" not in text
