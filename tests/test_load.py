"""Load (issues 7 and 8): many concurrent conversations on different datasets through the web app and the API.

One app is launched in-process on a free port with three datasets (the demo, the demo with only 2026
orders, the demo with every other customer's orders removed), so the same question has a different
true answer per dataset. 21 gradio_client clients in threads each pick a dataset through
`/set_dataset` and ask their own sequence of questions (several tools, follow-ups, a clarifying
question, English and Chinese) over `/chat`; beside them 9 programs ask the same sequences over the
HTTP API (`/api/ask` with a conversation id, or `/v1/chat/completions` resending the chat). Checks:
no errors; every answer's numbers and table equal what a fresh offline `Conversation` over the
client's own dataset answers; each client's history holds only its own questions, trimmed to the
last `ASSISTANT_MAX_TURNS`; the server's RSS after warm-up grows less than a bound; open datasets
stay within the cap. Then the memory caps themselves (ContextCache eviction and reopening,
Conversation turns, agent threads) are checked directly.
"""

from __future__ import annotations

import gc
import json
import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import gradio_client
import pytest

from tests.conftest import dataset_file, free_port
from tests.test_web_app import texts

CLIENTS = 21
API_CLIENTS = 9  # beside them, programs on the HTTP API: POST /api/ask, and the OpenAI endpoint
ROUNDS = 3  # each round: set the dataset once, then every unit of the client's sequence
MAX_TURNS = 8  # ASSISTANT_MAX_TURNS during the test, so the history trimming is exercised
RSS_GROWTH_MB = 150

# Units: a question alone, or a question and its follow-ups (answered in that conversation).
UNITS: list[tuple[str, ...]] = [
    ("总GMV是多少？",),
    ("最近30天的GMV是多少？", "那上个月呢？"),
    ("各个RFM分群分别有多少用户？",),
    ("How many orders last month?",),
    ("复购率是多少？",),  # a clarifying question with options, no numbers
    ("What is the average order value in the last 90 days?",),
    ("各主播的GMV排名",),
    ("新客有多少？",),
    ("退款率是多少",),
]
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def rss_mb() -> float:
    """This process's resident memory (the server runs in-process)."""
    try:
        import psutil  # type: ignore[import-not-found]

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("cannot read RSS")


def part_texts(messages: list[dict]) -> str:
    return texts(messages).replace("\\", "")


def user_questions(history: list[dict]) -> list[str]:
    return [part_texts([m]) for m in history if m["role"] == "user"]


@pytest.fixture(scope="module")
def datasets(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("load-data")
    return {
        "demo": demo_db,
        "only2026": dataset_file(folder / "only2026.duckdb", "DELETE FROM orders WHERE order_time < '2026-01-01'",
                                 source=demo_db),
        "half": dataset_file(folder / "half.duckdb", "DELETE FROM orders WHERE customer_id % 2 = 0", source=demo_db),
    }


@pytest.fixture(scope="module")
def expected(datasets: dict[str, Path]) -> dict[tuple[str, str], object]:
    """(dataset, question) -> the Answer a fresh offline conversation gives on that dataset,
    follow-ups asked after their unit's first question."""
    from assistant.conversation import Conversation
    from assistant.engine import Engine

    out = {}
    for name, path in datasets.items():
        with Engine(path) as engine:
            for unit in UNITS:
                conversation = Conversation(engine)
                for question in unit:
                    out[(name, question)] = conversation.ask(question)
    totals = {out[(name, "总GMV是多少？")].answer for name in datasets}
    assert len(totals) == len(datasets), "the datasets must disagree, or cross-talk could go unseen"
    return out


@pytest.fixture(scope="module")
def app(datasets: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):
    """The app over the demo, with the two variants registered in a fresh workspace."""
    from assistant.server import serve
    from assistant.web import context

    home = tmp_path_factory.mktemp("load-home")
    (home / "datasets").mkdir()
    registry = {name: {"name": name, "path": str(path), "source": str(path), "fingerprint": name,
                       "imported_at": datetime.now().isoformat(), "rows": {}}
                for name, path in datasets.items() if name != "demo"}
    (home / "datasets" / "datasets.json").write_text(json.dumps(registry), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSISTANT_HOME", str(home))
        patch.setenv("ASSISTANT_MAX_TURNS", str(MAX_TURNS))
        before = set(map(id, context.open_caches()))
        port = free_port()
        demo = serve(datasets["demo"], "127.0.0.1", port, block=False)
        caches = [c for c in context.open_caches() if id(c) not in before]
        assert len(caches) == 1
        yield f"http://127.0.0.1:{port}/", caches[0]
        demo.close()


class Client:
    """One person: a dataset, a shuffled sequence of units, and everything the server sent back."""

    def __init__(self, url: str, index: int, dataset: str):
        self.index, self.dataset = index, dataset
        self.api = gradio_client.Client(url, verbose=False, download_files=False)
        units = list(UNITS)
        random.Random(index).shuffle(units)
        self.units = units[: 5 + index % 4]  # different lengths, so turns interleave differently
        self.asked: list[str] = []
        self.errors: list[str] = []
        self.checked = 0

    def run_round(self, expected: dict) -> int:
        report = self.api.predict(self.dataset, "zh", api_name="/set_dataset")[0]
        if isinstance(report, str) and report:  # a skipped output comes back as an update dict
            self.errors.append(f"set_dataset said {report!r}")
        requests = 1
        for unit in self.units:
            for question in unit:
                history, box, table, *_ = self.api.predict(question, api_name="/chat")
                requests += 1
                self.asked.append(question)
                self.check(history, box, table, expected[(self.dataset, question)], question)
        return requests

    def check(self, history: list[dict], box: str, table: dict | None, answer, question: str) -> None:
        from assistant.web.render import display_frame

        where = f"client {self.index} ({self.dataset}) asking {question!r}"
        if box != "":
            self.errors.append(f"{where}: the box was not cleared")
        # No cross-talk: this history holds this client's questions only: the MAX_TURNS kept in the
        # session, and the one just asked.
        mine = self.asked[-(MAX_TURNS + 1):]
        if user_questions(history) != mine:
            self.errors.append(f"{where}: history questions {user_questions(history)} != {mine}")
        last_user = max(i for i, m in enumerate(history) if m["role"] == "user")
        reply = part_texts(history[last_user + 1:])
        if "⚠️" in reply or "Traceback" in reply:
            self.errors.append(f"{where}: error in reply {reply[:200]!r}")
        missing = [n for n in NUMBER.findall(answer.answer) if n not in reply]
        if missing:
            self.errors.append(f"{where}: numbers {missing} of the expected answer not in {reply[:300]!r}")
        if answer.tables:
            frame = display_frame(answer.tables[0].df)
            if table is None or table["headers"] != list(frame.columns):
                self.errors.append(f"{where}: table headers {table and table['headers']} != {list(frame.columns)}")
            else:
                got = [[cell for cell in row] for row in table["data"][:5]]
                want = json.loads(frame.head(5).to_json(orient="values"))
                if not _same_rows(got, want):
                    self.errors.append(f"{where}: table rows {got} != {want}")
        self.checked += 1


class ApiClient:
    """A program on the HTTP API: its own conversation id (`/api/ask`), or the whole chat resent
    each time (`/v1/chat/completions`, every third client), on its dataset. Same checks: the exact
    answer text and the first table's rows of a fresh offline conversation on that dataset."""

    def __init__(self, url: str, index: int, dataset: str):
        import httpx

        self.index, self.dataset = index, dataset
        self.openai_style = index % 3 == 0
        self.http = httpx.Client(base_url=url, timeout=300)
        units = list(UNITS)
        random.Random(100 + index).shuffle(units)
        self.units = units[: 5 + index % 4]
        self.conversation_id: str | None = None
        self.messages: list[dict] = []
        self.asked: list[str] = []
        self.errors: list[str] = []
        self.checked = 0

    def ask(self, question: str) -> dict:
        if self.openai_style:
            self.messages.append({"role": "user", "content": question})
            model = "live-commerce-assistant:" + self.dataset
            reply = self.http.post("/v1/chat/completions", json={"model": model, "messages": self.messages}).json()
            self.messages.append({"role": "assistant", "content": reply["choices"][0]["message"]["content"]})
            return reply["answer"]
        payload = self.http.post("/api/ask", json={"question": question, "dataset": self.dataset,
                                                   "conversation_id": self.conversation_id}).json()
        self.conversation_id = payload["conversation_id"]
        return payload

    def run_round(self, expected: dict) -> int:
        requests = 0
        for unit in self.units:
            for question in unit:
                payload = self.ask(question)
                requests += 1
                self.asked.append(question)
                answer = expected[(self.dataset, question)]
                where = f"API client {self.index} ({self.dataset}) asking {question!r}"
                if payload["answer"] != answer.answer:
                    self.errors.append(f"{where}: {payload['answer'][:200]!r} != {answer.answer[:200]!r}")
                elif answer.tables:
                    want = json.loads(answer.tables[0].df.head(5).to_json(orient="values"))
                    if not _same_rows(payload["tables"][0]["rows"][:5], want):
                        self.errors.append(f"{where}: table rows differ")
                self.checked += 1
        return requests


def _same_rows(got: list[list], want: list[list]) -> bool:
    if len(got) != len(want):
        return False
    for row_got, row_want in zip(got, want, strict=True):
        for a, b in zip(row_got, row_want, strict=True):
            if isinstance(a, (int, float)) and isinstance(b, (int, float)):
                if abs(float(a) - float(b)) > 1e-6 * max(1.0, abs(float(b))):
                    return False
            elif str(a) != str(b):
                return False
    return True


@pytest.mark.slow
def test_twenty_conversations_on_three_datasets(app, datasets, expected) -> None:
    url, cache = app
    names = list(datasets)
    with ThreadPoolExecutor(CLIENTS) as pool:
        people = list(pool.map(lambda i: Client(url, i, names[i % len(names)]), range(CLIENTS)))
    programs = [ApiClient(url, i, names[i % len(names)]) for i in range(API_CLIENTS)]
    clients = people + programs

    peak_open = [cache.open_count()]
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            peak_open.append(cache.open_count())
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    requests, rss = 0, []
    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(len(clients)) as pool:
            for _ in range(ROUNDS):
                requests += sum(pool.map(lambda c: c.run_round(expected), clients))
                gc.collect()
                rss.append(rss_mb())
    finally:
        stop.set()
        watcher.join()
    elapsed = time.perf_counter() - started

    errors = [e for c in clients for e in c.errors]
    assert not errors, f"{len(errors)} problems, first: {errors[:3]}"
    assert requests >= 300, requests
    assert sum(c.checked for c in clients) == requests - CLIENTS * ROUNDS  # set_dataset calls are not answers
    assert len({c.dataset for c in clients}) == 3 and all(len(c.asked) > MAX_TURNS for c in clients)
    assert {c.openai_style for c in programs} == {True, False} and all(c.checked for c in programs)
    # Memory: after the first round (warm-up: engines opened, caches filled) it stays flat.
    growth = rss[-1] - rss[0]
    print(f"\n{requests} requests in {elapsed:.1f}s ({requests / elapsed:.1f}/s); RSS per round {rss} MB")
    assert growth < RSS_GROWTH_MB, f"RSS grew {growth:.0f} MB after warm-up: {rss}"
    assert max(peak_open) <= cache.max_open and cache.open_count() == 3


# ---------------------------------------------------------------------------------------------
# The caps themselves
# ---------------------------------------------------------------------------------------------

def test_least_recently_used_idle_dataset_is_closed_and_reopened_for_its_session(datasets, expected) -> None:
    from assistant.engine import Engine
    from assistant.web.context import ContextCache, WebContext, path_key

    cache = ContextCache(WebContext(Engine(datasets["demo"])), max_open=2, idle_seconds=0)
    half, only = path_key(datasets["half"]), path_key(datasets["only2026"])
    try:
        conversation = cache.get(half).conversation()
        first = conversation.ask("最近30天的GMV是多少？")
        engine = conversation.engine
        cache.get(only)  # a third dataset: the least recently used idle one (half) is closed
        assert cache.open_count() == 2 and cache.closed_count == 1
        again = cache.get(half)  # the session comes back: the same Engine, reopened
        assert again.engine is engine and cache.open_count() == 2 and cache.closed_count == 2
        follow = conversation.ask("那上个月呢？")  # the follow-up still knows the previous question
        assert first.answer == expected[("half", "最近30天的GMV是多少？")].answer
        assert follow.answer == expected[("half", "那上个月呢？")].answer
        assert cache.get(None) is cache.default  # the default dataset is never closed
    finally:
        for key in (half, only):
            ctx = cache._contexts.get(key)
            if ctx is not None:
                ctx.engine.close()
        cache.default.engine.close()


def test_busy_datasets_are_not_closed(datasets) -> None:
    from assistant.engine import Engine
    from assistant.web.context import ContextCache, WebContext, path_key

    cache = ContextCache(WebContext(Engine(datasets["demo"])), max_open=2, idle_seconds=3600)
    try:
        cache.get(path_key(datasets["half"]))
        cache.get(path_key(datasets["only2026"]))
        assert cache.open_count() == 3 and cache.closed_count == 0  # over the cap rather than cut a request
    finally:
        for ctx in cache._contexts.values():
            ctx.engine.close()


def test_cached_answers_are_bounded(engine) -> None:
    from assistant.web.context import WebContext

    ctx = WebContext(engine, max_cached=2)
    for period in ("last_7_days", "last_30_days", "last_90_days"):
        assert ctx.cached_tool("metric_query", {"metric": "gmv", "period": period}, "en").ok
    assert ctx.cached_answers() == 2


def test_conversation_and_history_keep_the_last_turns(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    import gradio as gr

    from assistant.conversation import Conversation
    from assistant.web.context import Session

    monkeypatch.setenv("ASSISTANT_MAX_TURNS", "3")
    conversation = Conversation(engine)
    for question in ("总GMV是多少？", "新客有多少？", "退款率是多少", "最近30天的GMV是多少？", "那上个月呢？"):
        conversation.ask(question)
    assert [t.question for t in conversation.turns] == ["退款率是多少", "最近30天的GMV是多少？", "那上个月呢？"]
    assert conversation.turns[-1].answer.tool_calls[0].args["period"] == "last_month"  # follow-up still works

    session = Session(conversation)
    history = [gr.ChatMessage(role="assistant", content="note")]
    for i in range(5):
        history += [gr.ChatMessage(role="user", content=f"q{i}"), gr.ChatMessage(role="assistant", content=f"a{i}")]
    session.history = history
    assert [m.content for m in session.history] == ["q2", "a2", "q3", "a3", "q4", "a4"]


def test_agent_keeps_at_most_k_threads(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    from assistant.agent.strategy import LLMStrategy
    from assistant.conversation import Conversation

    class Fake(GenericFakeChatModel):
        def bind_tools(self, tools, **kwargs):  # noqa: ANN001, ANN003
            return self

    monkeypatch.setenv("ASSISTANT_AGENT_MAX_THREADS", "2")
    monkeypatch.setenv("ASSISTANT_MAX_TURNS", "2")
    replies = iter([AIMessage(f"reply {i}") for i in range(20)])
    strategy = LLMStrategy(Fake(messages=replies, disable_streaming=True), router_hint=False)
    conversations = [Conversation(engine, strategy) for _ in range(3)]
    for conversation in conversations:
        assert conversation.ask("hello").answer.startswith("reply")
    stored = strategy._checkpointer.storage
    assert strategy.thread_count() == 2
    assert conversations[0].conversation_id not in stored  # the oldest thread's memory is gone
    assert all(c.conversation_id in stored for c in conversations[1:])
    last = conversations[-1]
    last.ask("again")  # second question: the thread keeps both
    messages = strategy._agent("en").get_state({"configurable": {"thread_id": last.conversation_id}}).values
    assert len([m for m in messages["messages"] if m.type == "human"]) == 2
    last.ask("third")  # beyond ASSISTANT_MAX_TURNS: the thread starts afresh
    messages = strategy._agent("en").get_state({"configurable": {"thread_id": last.conversation_id}}).values
    assert [m.content for m in messages["messages"] if m.type == "human"] == ["third"]
