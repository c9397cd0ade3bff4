"""Red team (c): files.

Requirements: downloads are per-session one-off links with random names; no folder of personal files
is served; web file inputs accept only paths inside the upload folder (a Gradio FileData pointing
elsewhere on the server is refused for preview and import); files holding personal data are written
with mode 0600 and temporary copies are cleaned; names never carry raw personal data; path traversal
in names goes nowhere.

Two servers: an open one on loopback (no login, so the local person is the admin) and a team one
with logins (alice is an admin, bob is not). The Gradio API is driven over raw HTTP where a FileData
value must reach the server exactly as written (gradio_client would upload a local file instead).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
import tempfile
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import gradio_client
import httpx
import pytest

from tests.redteam_support import (
    TEAM_USERS,
    RawIndex,
    ServedApp,
    file_texts,
    index_for,
    legitimately_personal,
    offered_files,
)

ALICE, BOB = ("alice", TEAM_USERS["alice"]), ("bob", TEAM_USERS["bob"])
# Unique to this run: canary files and planted values carry it. Under pytest-xdist every worker collects
# the parametrised ids, so they share the run's id instead of drawing their own.
_RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)
MARKER = "zq" + _RUN[:10]
WORKSPACE_MARK = "ws" + _RUN[10:20]  # the order ids of a dataset inside the server's workspace
NO_FIXES = {"headers": ["table", "role", "label", "column"], "data": []}


@pytest.fixture(scope="module")
def raw(demo_contacts, demo_db) -> RawIndex:
    return index_for(demo_contacts, demo_db)


@pytest.fixture(scope="module")
def open_app(rt_app) -> ServedApp:
    return rt_app


@pytest.fixture(scope="module")
def team_app(rt_team) -> ServedApp:
    return rt_team


@pytest.fixture(autouse=True)
def _module_env(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings are read per request: keep the open server's during each test (team tests log in)."""
    if "team_app" in request.fixturenames:
        request.getfixturevalue("team_app").setenv(monkeypatch)
    elif "open_app" in request.fixturenames:
        request.getfixturevalue("open_app").setenv(monkeypatch)


def home_of(app: ServedApp) -> Path:
    return Path(app.env["ASSISTANT_HOME"])


def gradio_cache() -> Path:
    from gradio import utils

    return Path(utils.get_upload_folder())


# --------------------------------------------------------------------------------------------------
# Raw Gradio API calls
# --------------------------------------------------------------------------------------------------

def gradio_call(base: str, api: str, data: list[Any], http: httpx.Client | None = None,
                session_hash: str | None = None) -> tuple[str, str]:
    """(event, body text) of one call through /gradio_api/call; event is 'complete', 'error' or 'http-NNN'."""
    http = http or httpx.Client(timeout=120)
    body: dict[str, Any] = {"data": data}
    if session_hash:
        body["session_hash"] = session_hash
    started = http.post(f"{base}gradio_api/call/{api}", json=body, timeout=120)
    if started.status_code != 200:
        return f"http-{started.status_code}", started.text
    event_id = started.json()["event_id"]
    result = http.get(f"{base}gradio_api/call/{api}/{event_id}", timeout=120)
    events = re.findall(r"^event: (\w+)", result.text, flags=re.MULTILINE)
    return (events[-1] if events else "none"), result.text


def file_data(path: str, name: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"path": path, "meta": {"_type": "gradio.FileData"}, "orig_name": name or Path(path).name, **extra}


def attempt(call, *args: Any, **kwargs: Any) -> Any:
    """An attack through gradio_client: an error event is a refusal, not a test failure."""
    try:
        return call(*args, **kwargs)
    except Exception as error:  # noqa: BLE001
        return f"refused: {type(error).__name__}"


def login(base: str, user: tuple[str, str]) -> httpx.Client:
    http = httpx.Client(timeout=120)
    response = http.post(base + "login", data={"username": user[0], "password": user[1]})
    assert response.status_code == 200, f"login failed: {response.status_code}"
    return http


# --------------------------------------------------------------------------------------------------
# Server-side files an attacker would like the web inputs to read
# --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def canaries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Files outside the upload folder, each with the marker in a header and in the values."""
    import pandas as pd

    folder = Path(tempfile.mkdtemp(prefix="redteam-canary-"))
    rows = [f"{i},{i % 7},2024-03-{1 + i % 27:02d} 10:00:00,{10 + i},{MARKER}" for i in range(30)]
    header = f"order_id,customer_id,order_time,pay_amount,{MARKER}_col"
    csv = folder / "orders.csv"
    csv.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    tsv = folder / "orders.txt"
    tsv.write_text((header + "\n" + "\n".join(rows)).replace(",", "\t"), encoding="utf-8")
    parquet = folder / "orders.parquet"
    pd.DataFrame([r.split(",") for r in rows], columns=header.split(",")).to_parquet(parquet)
    return {"csv": csv, "txt": tsv, "parquet": parquet}


@pytest.fixture(scope="module")
def contacts_export(open_app: ServedApp) -> dict[str, Any]:
    """An explicit contact export (the local person is the admin on the open server): its served value."""
    started = time.time()
    with open_app.active():
        client = browser(open_app.url)
        client.predict("cn8", "en", api_name="/segments")
        status, button = client.predict("cn8", "general_retention", "csv", 0, True, api_name="/export_segment")
    value = (button or {}).get("value") or {}
    assert value, f"the admin's contact export did not happen: {status[:200]}"
    exports = home_of(open_app) / "exports"
    written = sorted(p for p in exports.rglob("*") if p.is_file() and "_contacts" in p.name
                     and p.stat().st_mtime >= started - 1) if exports.exists() else []
    return {"value": value, "files": written, "started": started}


@pytest.fixture(scope="module")
def planted_export(open_app: ServedApp, raw: RawIndex) -> Path:
    """A contact file where the admin's exports go (as an explicit export would leave one), for the
    injection tests to aim at independently of the export flow itself."""
    folder = home_of(open_app) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "redteam_planted_contacts.csv"
    rows = [f"{cid},{raw.nickname_of[cid]},{raw.phone_of[cid]}" for cid in sorted(raw.phone_of)[:5]]
    path.write_text("customer_id,nickname,phone\n" + "\n".join(rows) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def workspace_dataset(open_app: ServedApp, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset imported into the server's workspace (with a rejected-rows file beside it)."""
    from assistant.ingest.workspace import import_dataset

    source = tmp_path_factory.mktemp("workspace-dataset") / "rt_small.csv"
    source.write_text("order_id,customer_id,order_time,pay_amount\n" + "\n".join(
        f"{WORKSPACE_MARK}{i},C{i % 4},{'bad date' if i < 2 else f'2024-06-{1 + i:02d} 09:00:00'},{5 + i}"
        for i in range(12))
        + "\n", encoding="utf-8")
    with open_app.active():
        import_dataset(source, "rt_small")
    rejected = sorted((home_of(open_app) / "datasets").glob("rt_small*.csv"))
    assert rejected, "the workspace import left no rejected-rows file to aim at"
    return rejected[0]


class Canary:
    """A local HTTP server that records whether anything fetched from it (SSRF through FileData.url)."""

    def __init__(self, body: bytes):
        self.hits: list[str] = []
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                canary.hits.append(self.path)
                self.send_response(200)
                self.send_header("content-type", "text/csv")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def ssrf(canaries: dict[str, Path]) -> Canary:
    server = Canary(canaries["csv"].read_bytes())
    yield server
    server.server.shutdown()


def injected(target: str, canaries: dict[str, Path], export_file: Path, ssrf: Canary, demo_db: Path,
             dataset_file: Path) -> list[dict]:
    upload = gradio_cache()
    contacts_store = Path(f"{demo_db.with_suffix('')}.contacts.duckdb")
    return {
        "canary_csv": [file_data(str(canaries["csv"]))],
        "canary_txt": [file_data(str(canaries["txt"]))],
        "canary_parquet": [file_data(str(canaries["parquet"]))],
        "contacts_export": [file_data(str(export_file))],
        "contacts_store_renamed": [file_data(str(contacts_store), "contacts.csv")],
        "dataset_file_renamed": [file_data(str(demo_db), "orders.csv")],
        "workspace_rejected_rows": [file_data(str(dataset_file))],
        "workspace_dataset_renamed": [file_data(str(dataset_file.with_name("rt_small.duckdb")), "orders.csv")],
        "etc_passwd_renamed": [file_data("/etc/passwd", "passwd.csv")],
        "traversal_from_upload_folder": [file_data(f"{upload}/../../../../{canaries['csv']}".replace("//", "/"))],
        "file_url_scheme": [file_data(f"file://{canaries['csv']}")],
        "relative_path": [file_data(os.path.relpath(canaries["csv"], Path.cwd()))],
        "url_field_only": [{"path": f"{MARKER}.csv", "url": f"{ssrf.url}/{MARKER}.csv",
                            "meta": {"_type": "gradio.FileData"}, "orig_name": f"{MARKER}.csv"}],
        "two_files_one_outside": [file_data(str(canaries["csv"])), file_data(str(export_file))],
    }[target]


TARGETS = ["canary_csv", "canary_txt", "canary_parquet", "contacts_export", "contacts_store_renamed",
           "dataset_file_renamed", "workspace_rejected_rows", "workspace_dataset_renamed", "etc_passwd_renamed",
           "traversal_from_upload_folder", "file_url_scheme", "relative_path", "url_field_only",
           "two_files_one_outside"]


def read_back(text: str, raw: RawIndex) -> list[str]:
    """Signs in a response that the server read the injected file."""
    problems = []
    decoded = text.encode().decode("unicode_escape", errors="ignore") if "\\u" in text else text
    if MARKER in text or MARKER in decoded:
        problems.append("the canary file's content came back")
    if re.search(r"root:x?:0:0|/bin/(ba)?sh", text):
        problems.append("/etc/passwd came back")
    if re.search(r"session_id|live_sessions|event_type|campaign_id", text):
        problems.append("the dataset file was read as an upload")
    if WORKSPACE_MARK in text or WORKSPACE_MARK in decoded:
        problems.append("a file of the workspace's datasets was read as an upload")
    problems += [str(leak) for leak in raw.find_any(text)]
    return problems


def registry(app: ServedApp) -> set[str]:
    folder = home_of(app) / "datasets"
    return {p.name for p in folder.rglob("*")} if folder.exists() else set()


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("api", ["preview_import", "preview_corrected", "import_data"])
def test_file_input_pointing_outside_the_upload_folder_is_refused(open_app: ServedApp, canaries, planted_export: Path,
                                                                  workspace_dataset: Path, ssrf: Canary, demo_db: Path,
                                                                  raw: RawIndex, api: str, target: str) -> None:
    files = injected(target, canaries, planted_export, ssrf, demo_db, workspace_dataset)
    before = registry(open_app)
    watched = [gradio_cache(), home_of(open_app)]
    existing = {p for root in watched if root.exists() for p in root.rglob("*") if p.is_file()}
    hits = len(ssrf.hits)
    data = {"preview_import": [files, "", "en"], "preview_corrected": [files, "", NO_FIXES, "en"],
            "import_data": [files, f"rt_{target}", NO_FIXES, "en"]}[api]
    event, body = gradio_call(open_app.url, api, data)
    problems = read_back(body, raw)
    created = registry(open_app) - before
    if created:
        problems.append(f"a dataset was created from the injected path: {sorted(created)}")
    if len(ssrf.hits) > hits:
        problems.append("the server fetched the FileData url (SSRF)")
    originals = {Path(f["path"]) for f in files if Path(f["path"]).is_absolute() and Path(f["path"]).is_file()}
    fresh = {p for root in watched if root.exists() for p in root.rglob("*") if p.is_file()} - existing
    for copy in fresh:
        for original in originals:
            if copy.stat().st_size == original.stat().st_size and copy.read_bytes() == original.read_bytes():
                problems.append(f"the server copied {original.name} to {copy.parent.name}/{copy.name}")
                copy.unlink()  # so the next attempt on this target shows whether it copies again
    assert "Traceback" not in body
    assert not problems, f"{api} / {target}: " + "; ".join(problems)


# --------------------------------------------------------------------------------------------------
# What the file route serves
# --------------------------------------------------------------------------------------------------

def fetch(url: str, http: httpx.Client | None = None) -> httpx.Response:
    return (http or httpx).get(url, timeout=60, follow_redirects=False)


def browser(url: str, **kwargs: Any) -> gradio_client.Client:
    """A client that keeps a cookie the way a browser does: the web app hands a file with contact
    details only to the browser (or logged-in user) that made it, and tells browsers apart by the
    cookie it gives them. The cookie travels on the client as `cookie_header`."""
    cookie = {"Cookie": f"assistant-client={secrets.token_urlsafe(16)}"}
    client = gradio_client.Client(url, verbose=False, download_files=False, headers=cookie, **kwargs)
    client.cookie_header = cookie
    return client


def own_fetch(client: gradio_client.Client, url: str) -> httpx.Response:
    """The download by the browser that made the file."""
    return httpx.get(url, timeout=60, follow_redirects=False, headers=client.cookie_header)


def served_raw(response: httpx.Response, raw: RawIndex) -> list[str]:
    if response.status_code >= 400:
        return []
    problems = [f"HTTP {response.status_code}"]
    problems += [str(leak) for leak in raw.find(response.content.decode("utf-8", errors="ignore"))[:3]]
    return problems


def test_contact_export_link_is_not_served_to_another_client(open_app: ServedApp, contacts_export, raw) -> None:
    url = contacts_export["value"]["url"]
    response = fetch(url)  # a fresh client: no cookie, no session
    assert response.status_code >= 400, f"another client downloaded the contact export ({response.status_code})"


def test_contact_export_folder_is_not_served(open_app: ServedApp, contacts_export, raw) -> None:
    problems = []
    for path in contacts_export["files"]:
        for form in (str(path), urllib.parse.quote(str(path))):
            response = fetch(f"{open_app.url}gradio_api/file={form}")
            problems += [f"{path.name}: {p}" for p in served_raw(response, raw)]
    assert not problems, "the exports folder serves contact files by path: " + "; ".join(problems)


def test_contact_export_names_are_random(open_app: ServedApp, contacts_export) -> None:
    """Two identical exports get different, unguessable links (a random part of at least 16 characters
    that differs between them), not a name built from the segment and the date."""
    client = browser(open_app.url)
    client.predict("cn8", "en", api_name="/segments")
    _, again = client.predict("cn8", "general_retention", "csv", 0, True, api_name="/export_segment")
    links = [urllib.parse.unquote(urllib.parse.urlsplit(v["url"]).path) for v in (contacts_export["value"],
                                                                                  again["value"])]
    assert links[0] != links[1], f"the same export twice got the same link: {links[0]}"
    parts = [set(re.split(r"[/=]", link)) for link in links]
    random_parts = [p for p in parts[0] ^ parts[1] if re.fullmatch(r"[A-Za-z0-9_\-]{16,}", p)
                    and not re.search(r"\d{4}-\d{2}-\d{2}", p)]
    assert random_parts, f"no random part tells the two links apart: {links}"


def test_contact_export_link_is_one_off(open_app: ServedApp, raw) -> None:
    client = browser(open_app.url)
    client.predict("cn8", "en", api_name="/segments")
    _, button = client.predict("cn8", "general_value", "csv", 0, True, api_name="/export_segment")
    url = button["value"]["url"]
    assert own_fetch(client, url).status_code == 200, "the maker could not download its own export"
    assert own_fetch(client, url).status_code >= 400, "the contact export link still works after it was downloaded"


SERVER_PATHS = {
    "etc_passwd": lambda app, db: "/etc/passwd",
    "dataset_file": lambda app, db: str(db),
    "contacts_store": lambda app, db: f"{db.with_suffix('')}.contacts.duckdb",
    "workspace_registry": lambda app, db: str(home_of(app) / "datasets" / "datasets.json"),
    "traversal_from_exports": lambda app, db: f"{home_of(app)}/exports/../datasets/datasets.json",
    "encoded_traversal": lambda app, db: f"{home_of(app)}/exports/..%2f..%2f{Path(db).name}",
    "exports_listing": lambda app, db: f"{home_of(app)}/exports/",
    "proc_environ": lambda app, db: "/proc/self/environ",
}


@pytest.mark.parametrize("name", list(SERVER_PATHS))
@pytest.mark.parametrize("route", ["gradio_api/file=", "file=", "gradio_api/file/"])
def test_server_files_are_not_served(open_app: ServedApp, demo_db: Path, raw: RawIndex, name: str, route: str) -> None:
    path = SERVER_PATHS[name](open_app, demo_db)
    response = fetch(f"{open_app.url}{route}{path}")
    body = response.content[:200_000].decode("utf-8", errors="ignore")
    served = response.status_code < 400 and (len(response.content) > 0) and "<!doctype html" not in body.lower()[:200]
    assert not served, f"{route}{name} was served ({response.status_code}, {len(response.content)} bytes)"


# -- the team server: a non-admin and an anonymous visitor ---------------------------------------------

@pytest.fixture(scope="module")
def alices_export(team_app: ServedApp) -> dict[str, Any]:
    with team_app.active():
        alice = gradio_client.Client(team_app.url, verbose=False, auth=ALICE, download_files=False)
        alice.predict("cn8", "en", api_name="/segments")
        status, button = alice.predict("cn8", "important_winback", "csv", 0, True, api_name="/export_segment")
        value = (button or {}).get("value") or {}
        assert value, f"alice's export failed: {status[:200]}"
        bob = gradio_client.Client(team_app.url, verbose=False, auth=BOB, download_files=False)
        bob.predict("cn8", "en", api_name="/segments")
        _, plain = bob.predict("cn8", "important_winback", "csv", 0, False, api_name="/export_segment")
    return {"url": value["url"], "path": value.get("path"), "bob_plain": ((plain or {}).get("value") or {}).get("url")}


def test_non_admin_cannot_fetch_an_admins_contact_export(team_app: ServedApp, alices_export, raw) -> None:
    bob = login(team_app.url, BOB)
    response = fetch(alices_export["url"], bob)
    assert not served_raw(response, raw), f"bob downloaded alice's contact export ({response.status_code})"


def test_anonymous_visitor_cannot_fetch_a_contact_export(team_app: ServedApp, alices_export, raw) -> None:
    response = fetch(alices_export["url"])
    assert not served_raw(response, raw), f"an anonymous visitor downloaded a contact export ({response.status_code})"


def test_non_admin_cannot_guess_contact_export_names(team_app: ServedApp, alices_export, raw) -> None:
    """Bob knows his own (non-personal) export's name; the contact version must not be reachable by name."""
    bob = login(team_app.url, BOB)
    exports = home_of(team_app) / "exports"
    guesses = set()
    alice_name = Path(urllib.parse.urlsplit(alices_export["url"]).path).name
    if alices_export["bob_plain"]:
        own = urllib.parse.urlsplit(alices_export["bob_plain"])
        # bob's own link with alice's file name, and the download route without a token
        guesses_urls = {f"{own.scheme}://{own.netloc}{str(Path(own.path).parent / alice_name)}",
                        f"{team_app.url}downloads/{alice_name}"}
    else:
        guesses_urls = set()
    if alices_export["bob_plain"]:
        plain = Path(urllib.parse.unquote(alices_export["bob_plain"]).split("file=", 1)[-1])
        for stem in {plain.stem, re.sub(r"_[0-9a-f]{6,}$", "", plain.stem)}:
            for suffix in (".csv", ".xlsx"):
                guesses |= {str(plain.parent / f"{stem}_contacts{suffix}"), str(exports / f"{stem}_contacts{suffix}")}
    today = time.strftime("%Y-%m-%d")
    for stem in ("important_winback", "重要挽留客户", "segment_important_winback"):
        guesses |= {str(exports / f"{stem}_{today}_contacts.csv"), str(exports / f"{stem}_contacts.csv")}
    problems = []
    for guess in sorted(guesses):
        response = fetch(f"{team_app.url}gradio_api/file={guess}", bob)
        problems += [f"{Path(guess).name}: {p}" for p in served_raw(response, raw)]
    for url in sorted(guesses_urls):
        response = fetch(url, bob)  # bob's own token with alice's file name may well serve bob's own file
        if response.status_code < 400:
            leaks = raw.find(response.content.decode("utf-8", errors="ignore"))
            problems += [f"{urllib.parse.urlsplit(url).path}: {leak}" for leak in leaks[:3]]
    assert not problems, "a guessed contact export name was served to a non-admin: " + "; ".join(problems)


def test_non_admin_cannot_export_contacts_through_raw_api(team_app: ServedApp) -> None:
    bob = login(team_app.url, BOB)
    session = uuid.uuid4().hex
    gradio_call(team_app.url, "segments", ["cn8", "en"], bob, session)
    before = {p.name for p in (home_of(team_app) / "exports").glob("*")} if (home_of(team_app) / "exports").exists() \
        else set()
    gradio_call(team_app.url, "export_segment", ["cn8", "important_winback", "csv", 0, True, "en"], bob, session)
    after = {p.name for p in (home_of(team_app) / "exports").glob("*")} if (home_of(team_app) / "exports").exists() \
        else set()
    assert not [n for n in after - before if "_contacts" in n], "a non-admin's raw API call wrote a contact export"


# --------------------------------------------------------------------------------------------------
# Modes, temporary copies, names
# --------------------------------------------------------------------------------------------------

def holds(path: Path, needles: list[str]) -> bool:
    try:
        return any(needle in text for _, text in file_texts(path) for needle in needles)
    except OSError:
        return False


def test_contact_export_is_written_mode_0600(contacts_export) -> None:
    loose = [f"{p.name}: {oct(p.stat().st_mode & 0o777)}" for p in contacts_export["files"]
             if p.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO)]
    assert not loose, "contact exports readable by others: " + ", ".join(loose)


def test_copies_of_a_contact_export_are_private_and_cleaned(open_app: ServedApp, raw: RawIndex) -> None:
    """After the admin downloaded a contact export, no copy of it is left behind in Gradio's cache, the
    temp folder or the workspace (other than an export file kept on purpose, readable by its owner only)."""
    started = time.time()
    client = browser(open_app.url)
    client.predict("cn8", "en", api_name="/segments")
    _, button = client.predict("cn8", "important_development", "csv", 0, True, api_name="/export_segment")
    value = (button or {}).get("value") or {}
    assert value, "the admin's contact export did not happen"
    downloaded = own_fetch(client, value["url"]).content.decode("utf-8-sig", errors="ignore")  # the admin's own
    phones = sorted(raw.phone_digits_in(downloaded))[:5]
    if not phones:
        path = Path(str(value.get("path", "")))
        phones = sorted(raw.phone_digits_in(path.read_text(encoding="utf-8-sig", errors="ignore")))[:5] \
            if path.is_file() else []
    assert phones, "could not read the contact export back to know what to look for"
    time.sleep(0.5)
    problems = []
    roots = {gradio_cache(), Path(tempfile.gettempdir()) / "assistant-web", Path(tempfile.gettempdir()) / "gradio",
             home_of(open_app)}
    for root in roots:
        if not root.exists():
            continue
        for path in root.rglob("*"):
            try:
                if not path.is_file() or path.stat().st_mtime < started - 1 or path.stat().st_size > 20_000_000:
                    continue
            except OSError:
                continue
            if legitimately_personal(path) and path.parent.name == "exports":
                if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                    problems.append(f"{path.name} is readable by others ({oct(path.stat().st_mode & 0o777)})")
                continue
            if holds(path, phones):
                problems.append(f"{path} ({oct(path.stat().st_mode & 0o777)}) still holds contact details")
    assert not problems, "\n".join(problems)


def _phone(i: int) -> str:
    return f"199{int(MARKER[2:10], 16) % 10_000:04d}{i:04d}"


def _personal_csv(folder: Path, name: str, rows: int = 40, bad: int = 0) -> Path:
    lines = ["订单号,买家手机号,买家昵称,下单时间,实付金额"]
    for i in range(rows):
        when = "不是日期" if i < bad else f"2024-04-{1 + i % 27:02d} 12:00:00"
        lines.append(f"{MARKER}{i},{_phone(i)},{MARKER}昵称{i},{when},{20 + i}")
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def personal_import(open_app: ServedApp, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The local admin imports two exports (one with bad rows) holding phones and nicknames."""
    folder = tmp_path_factory.mktemp("personal")
    orders = _personal_csv(folder, "orders.csv", bad=5)
    extra = _personal_csv(folder, "more_orders.csv", rows=10)
    started = time.time()
    with open_app.active():
        client = gradio_client.Client(open_app.url, verbose=False, download_files=False)
        uploads = [gradio_client.handle_file(str(orders)), gradio_client.handle_file(str(extra))]
        report, rejected, *_ = client.predict(uploads, "rt_personal", NO_FIXES, "en", api_name="/import_data")
    assert "Traceback" not in report
    return {"report": report, "rejected": rejected, "started": started, "phones": [_phone(i) for i in range(40)]}


def test_imported_personal_columns_live_only_in_a_private_contact_store(open_app: ServedApp, personal_import) -> None:
    datasets = home_of(open_app) / "datasets"
    files = [p for p in datasets.rglob("*") if p.is_file()]
    assert any("rt_personal" in p.name for p in files), f"the import did not happen: {personal_import['report'][:300]}"
    problems = []
    for path in files:
        personal = holds(path, personal_import["phones"]) or holds(path, [f"{MARKER}昵称1"])
        if ".contacts.duckdb" in path.name:
            if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                problems.append(f"{path.name} is readable by others ({oct(path.stat().st_mode & 0o777)})")
        elif personal:
            problems.append(f"{path.name} holds raw phones or nicknames")
    assert not problems, "\n".join(problems)


def test_import_leaves_no_temporary_copies(open_app: ServedApp, personal_import) -> None:
    root = Path(tempfile.gettempdir())
    upload = gradio_cache().resolve()
    since = personal_import["started"] - 1
    problems = []
    # (os.walk, not rglob: another test's sealed temporary folder may vanish mid-walk, which rglob raises on)
    walked = (Path(folder) / name for folder, _, names in os.walk(root, onerror=lambda error: None) for name in names)
    for path in walked:
        try:
            resolved = path.resolve()
            if resolved.is_relative_to(upload) or "pytest-of-" in str(resolved) or not path.is_file():
                continue
            if path.stat().st_mtime < since or path.stat().st_size > 20_000_000:
                continue
        except OSError:
            continue
        if legitimately_personal(path):
            continue
        if holds(path, [MARKER]) and holds(path, personal_import["phones"]):
            problems.append(f"{path} ({oct(path.stat().st_mode & 0o777)})")
    assert not problems, "copies of the uploaded personal data were left behind:\n" + "\n".join(problems)


def test_rejected_rows_download_carries_no_raw_personal_data(open_app: ServedApp, personal_import) -> None:
    rejected = personal_import["rejected"]
    value = (rejected or {}).get("value") if isinstance(rejected, dict) else None
    assert value, "no rejected-rows download was offered although 5 rows had bad dates"
    content = fetch(value["url"]).content.decode("utf-8-sig", errors="ignore")
    leaked = [p for p in personal_import["phones"][:5] if p in content]
    assert not leaked, "the rejected-rows file hands out raw phone numbers"


def test_upload_file_name_with_a_raw_phone_does_not_become_a_file_name(open_app: ServedApp, raw: RawIndex,
                                                                        tmp_path: Path) -> None:
    phone = sorted(raw.phones)[7]
    source = tmp_path / f"客户{phone}.csv"
    source.write_text("order_id,customer_id,order_time,pay_amount\n" + "\n".join(
        f"P{i},C{i % 3},2024-05-{1 + i:02d} 10:00:00,{10 + i}" for i in range(20)) + "\n", encoding="utf-8")
    client = gradio_client.Client(open_app.url, verbose=False, download_files=False)
    report = str(attempt(client.predict, [gradio_client.handle_file(str(source))], "", "en",
                         api_name="/preview_import"))
    report2 = str(attempt(client.predict, [gradio_client.handle_file(str(source))], "", NO_FIXES, "en",
                          api_name="/import_data"))
    names = [str(p.relative_to(home_of(open_app))) for p in home_of(open_app).rglob("*")]
    problems = [f"report: {leak}" for leak in raw.find(report + report2)]
    problems += [f"workspace name {n}" for n in names if phone in n]
    datasets = httpx.get(open_app.url + "api/datasets", timeout=30).text
    problems += [f"/api/datasets: {leak}" for leak in raw.find(datasets)]
    assert not problems, "\n".join(problems)


TRAVERSAL_NAMES = ["../../../../tmp/" + MARKER + "_a", "..\\..\\" + MARKER + "_b", "/tmp/" + MARKER + "_c",
                   "%2e%2e%2f%2e%2e%2f" + MARKER + "_d"]


@pytest.mark.parametrize("name", TRAVERSAL_NAMES)
def test_dataset_name_traversal_stays_in_the_workspace(open_app: ServedApp, canaries, name: str) -> None:
    client = gradio_client.Client(open_app.url, verbose=False, download_files=False)
    attempt(client.predict, [gradio_client.handle_file(str(canaries["csv"]))], name, NO_FIXES, "en",
            api_name="/import_data")
    home = home_of(open_app).resolve()
    outside = []
    for root in (Path("/tmp"), home.parent, Path.cwd()):
        outside += [p for p in root.glob(f"*{MARKER}*") if not p.resolve().is_relative_to(home)]
    assert not outside, f"a file was written outside the workspace: {outside}"


@pytest.mark.parametrize("segment", ["../../../../tmp/" + MARKER, "..%2f..%2f" + MARKER, "/tmp/" + MARKER + "_seg",
                                     "hibernating/../../../" + MARKER])
def test_export_segment_name_traversal_stays_in_the_exports_folder(open_app: ServedApp, segment: str) -> None:
    response = httpx.post(open_app.url + "api/tools/export_segment",
                          json={"args": {"segment": segment, "format": "csv"}}, timeout=120)
    assert response.status_code < 500
    home = home_of(open_app).resolve()
    outside = [p for root in (Path("/tmp"), home.parent) for p in _named_within(root, MARKER)
               if not p.resolve().is_relative_to(home) and "pytest-of-" not in str(p)
               and "redteam-canary" not in str(p)]
    assert not outside, f"an export was written outside the exports folder: {outside}"


def _named_within(root: Path, marker: str) -> list[Path]:
    """Every file or folder under root whose name holds marker. /tmp is shared with the other test workers: a
    folder they remove while it is walked is skipped (os.walk ignores it), where rglob would raise."""
    return [Path(folder) / name for folder, folders, files in os.walk(root) for name in folders + files
            if marker in name]


@pytest.mark.parametrize("path", ["api/images/..%2F..%2F..%2Fetc%2Fpasswd.png",
                                  "api/images/%2e%2e/%2e%2e/etc/passwd.png",
                                  "api/charts/..%2F..%2Fetc%2Fpasswd", "api/charts/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                                  "api/static/..%2F..%2F..%2F..%2Fetc%2Fpasswd"])
def test_published_routes_do_not_traverse(open_app: ServedApp, path: str) -> None:
    response = fetch(open_app.url + path)
    assert response.status_code >= 400 or not re.search(r"root:x?:0:0", response.text)


def test_api_dataset_name_traversal_is_unknown(open_app: ServedApp) -> None:
    for name in ("../../etc/passwd", "../demo", "/etc/passwd", "..%2f..%2fetc%2fpasswd"):
        response = httpx.post(open_app.url + "api/tools/run_sql",
                              json={"args": {"sql": "SELECT 1 AS x"}, "dataset": name}, timeout=60)
        assert response.status_code == 404 and "root:" not in response.text, name


@pytest.mark.parametrize("door", ["api", "mcp"])
def test_programs_cannot_export_contact_details(open_app: ServedApp, raw: RawIndex, door: str) -> None:
    exports = home_of(open_app) / "exports"
    before = {p.name for p in exports.glob("*")} if exports.exists() else set()
    args = {"segment": "general_development", "scheme": "cn8", "format": "csv", "include_personal": True}
    if door == "api":
        text = httpx.post(open_app.url + "api/tools/export_segment", json={"args": args}, timeout=120).text
    else:
        import anyio
        from mcp import Client

        async def session() -> Any:
            async with Client(open_app.url.rstrip("/") + "/mcp") as client:
                return await client.call_tool("export_segment", args)

        result = anyio.run(session)
        text = json.dumps(result.structured_content, ensure_ascii=False) + "".join(
            getattr(b, "text", "") for b in result.content)
    after = {p.name for p in exports.glob("*")} if exports.exists() else set()
    new = sorted(after - before)
    problems = [f"contact file written: {n}" for n in new if "_contacts" in n]
    for name in new:
        problems += [f"{name}: {leak}" for _, chunk in file_texts(exports / name) for leak in raw.find(chunk)][:3]
    problems += [str(leak) for leak in raw.find(text)]
    for where, chunk in offered_files(text, open_app.url):
        problems += [f"{where}: {leak}" for leak in raw.find(chunk)][:3]
    assert not problems, "\n".join(problems)
