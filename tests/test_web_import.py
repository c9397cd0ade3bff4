"""The data tab over HTTP: upload a Chinese GBK export, preview and correct the mapping, import it,
and check that only this browser session switches to it."""

from __future__ import annotations

import json
import random
from pathlib import Path

import gradio_client
import pytest
from gradio_client import handle_file

from tests.conftest import free_port

HEADER = "订单编号,买家昵称,下单时间,实付金额(元),订单状态,省份"
NO_FIXES = {"headers": ["table", "role", "label", "column"], "data": []}



def client(url: str):
    return gradio_client.Client(url, verbose=False)


def texts(history: list[dict]) -> str:
    parts = []
    for message in history:
        content = message["content"]
        for part in content if isinstance(content, list) else [content]:
            parts.append(part.get("text", "") if isinstance(part, dict) and "text" in part
                         else json.dumps(part, ensure_ascii=False))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory):
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("web-home")
        patch.setenv("ASSISTANT_HOME", str(folder))
        yield folder


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """A shop's export in GBK with Chinese headers and '￥1,299.00' amounts; returns (file, paid total)."""
    rng = random.Random(7)
    rows, total_cents = [HEADER], 0
    for i in range(60):
        cents = rng.randint(1_000, 300_000)
        status = "已取消" if i % 10 == 0 else "已完成"
        total_cents += cents if status == "已完成" else 0
        rows.append(f'DD{i:05d},买家{i % 17},2024-0{1 + i % 9}-{10 + i % 18} 12:3{i % 10}:00,'
                    f'"￥{cents / 100:,.2f}",{status},浙江')
    path = tmp_path_factory.mktemp("export") / "店铺订单.csv"
    path.write_bytes("\n".join(rows).encode("gbk"))
    return path, total_cents / 100


@pytest.fixture(scope="module")
def app_url(home: Path, demo_db: Path):
    from assistant.server import serve

    port = free_port()
    demo = serve(demo_db, "127.0.0.1", port, block=False)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


def gmv_in_table(table: dict) -> float:
    column = table["headers"].index("gmv")
    return round(float(table["data"][0][column]), 2)


def test_preview_shows_mapping_and_report(app_url: str, export) -> None:
    path, _ = export
    report, fixes = client(app_url).predict([handle_file(str(path))], "", "zh", api_name="/preview_import")
    assert "Traceback" not in report and "❌" not in report
    assert "下单时间" in report and "`order_time`" in report and "实付金额(元)" in report
    assert "读取 60 行" in report and "预览" in report
    assert "买家昵称" in report.split("个人信息列")[1]  # the nickname is flagged as personal data
    rows = {(row[1]): row[3] for row in fixes["data"]}
    assert rows["order_time"] == "下单时间" and rows["pay_amount"] == "实付金额(元)"
    assert rows["province"] == "省份" and rows["status"] == "订单状态"


def test_a_correction_changes_the_mapping(app_url: str, export) -> None:
    path, _ = export
    c = client(app_url)
    _, fixes = c.predict([handle_file(str(path))], "", "zh", api_name="/preview_import")
    data = [[*row[:3], "" if row[1] == "province" else row[3]] for row in fixes["data"]]
    report, fixes = c.predict([handle_file(str(path))], "", {"headers": fixes["headers"], "data": data}, "en",
                              api_name="/preview_corrected")
    assert "`province`" not in report
    assert "省份" in report.split("Unused columns")[1]
    assert {row[1]: row[3] for row in fixes["data"]}["province"] == ""
    report, _ = c.predict([handle_file(str(path))], "", {"headers": fixes["headers"], "data": [
        [fixes["data"][0][0], "province", "province", "no such column"]]}, "en", api_name="/preview_corrected")
    assert "❌" in report and "no column" in report and "Traceback" not in report


def test_import_switches_only_this_session(app_url: str, export, engine, tmp_path: Path) -> None:
    path, total = export
    alice, bob = client(app_url), client(app_url)
    report, rejected, picker, chatbot, *_ = alice.predict(
        [handle_file(str(path))], "我的店铺", NO_FIXES,
        "zh", api_name="/import_data")
    assert "✅" in report and "我的店铺" in report and "Traceback" not in report
    assert "已重新开始" in texts(chatbot)
    history, _, table, *_ = alice.predict("总GMV是多少？", api_name="/chat")
    assert gmv_in_table(table) == round(total, 2)
    assert "已重新开始" in texts(history)  # the chat says the dataset changed

    demo_gmv = round(float(engine.run_tool("metric_query", {"metric": "gmv"}, "zh").tables[0].df["gmv"].iat[0]), 2)
    _, _, table, *_ = bob.predict("总GMV是多少？", api_name="/chat")
    assert gmv_in_table(table) == demo_gmv != round(total, 2)

    # a PNG renamed .csv is refused in plain words; Alice stays on her dataset
    fake = tmp_path / "orders.csv"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    report, *_ = alice.predict([handle_file(str(fake))], "", "zh", api_name="/preview_import")
    assert report.startswith("❌") and "Traceback" not in report
    report, *_ = alice.predict([handle_file(str(fake))], "bad", NO_FIXES, "zh", api_name="/import_data")
    assert report.startswith("❌") and "我的店铺" in report and "Traceback" not in report
    _, _, table, *_ = alice.predict("总GMV是多少？", api_name="/chat")
    assert gmv_in_table(table) == round(total, 2)

    # back to the demo through the dataset dropdown
    alice.predict("demo", "zh", api_name="/set_dataset")
    history, _, table, *_ = alice.predict("总GMV是多少？", api_name="/chat")
    assert gmv_in_table(table) == demo_gmv
    assert "已切换到数据集「demo」" in texts(history)


def test_several_files_are_one_table_each(app_url: str, export, tmp_path: Path) -> None:
    path, _ = export
    products = tmp_path / "商品.csv"
    products.write_text("商品名称,类目,价格\n口红,美妆,99\n面霜,美妆,199\n", encoding="utf-8")
    report, fixes = client(app_url).predict([handle_file(str(path)), handle_file(str(products))], "", "en",
                                            api_name="/preview_import")
    assert "Detected as: **orders**" in report and "Detected as: **products**" in report
    assert {row[0] for row in fixes["data"]} == {"店铺订单", "商品"}
    report, _ = client(app_url).predict([], "", "en", api_name="/preview_import")
    assert report.startswith("❌") and "upload a file" in report
