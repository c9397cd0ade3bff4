"""The web app's files are short-lived links owned by whoever made them (assistant.web.downloads)."""

from __future__ import annotations

import httpx
import pytest

from assistant.web.downloads import CLIENT_COOKIE, DOWNLOADS, Downloads, Owner, download_url


class FakeRequest:
    """What a gr.Request offers the download code: headers, cookies, the logged-in user."""

    def __init__(self, cookie: str | None = None, username: str | None = None, host: str = "127.0.0.1:7860"):
        self.headers = {"host": host}
        self.cookies = {CLIENT_COOKIE: cookie} if cookie else {}
        self.username = username


def test_an_owned_offer_is_only_served_to_its_owner() -> None:
    downloads = Downloads()
    browser = downloads.offer(b"a", "a.csv", once=False, owner=Owner(client="c1"))
    assert downloads.take(browser, Owner(client="c2")) is None
    assert downloads.take(browser, Owner()) is None
    assert downloads.take(browser, Owner(client="c1")).data == b"a"
    assert downloads.take(browser, Owner(client="c1")).data == b"a"  # not one-off: a second click works
    user = downloads.offer(b"b", "b.csv", once=True, owner=Owner(user="alice", client="c1"))
    assert downloads.take(user, Owner(user="bob", client="c1")) is None  # the login decides, not the browser
    assert downloads.take(user, Owner(user="alice")).data == b"b"
    assert downloads.take(user, Owner(user="alice")) is None  # one-off


def test_offers_expire_and_memory_is_bounded() -> None:
    downloads = Downloads(ttl=-1)
    token = downloads.offer(b"x", "x.csv", once=False)
    assert downloads.take(token) is None and len(downloads) == 0
    small = Downloads(max_bytes=10)
    first = small.offer(b"12345678", "1.csv", once=False)
    second = small.offer(b"12345678", "2.csv", once=False)
    assert small.take(first) is None and small.take(second) is not None


def test_a_contact_file_gets_no_link_when_its_maker_cannot_be_named() -> None:
    assert download_url(FakeRequest(), b"phones", "x_contacts.csv", once=True) is None
    link = download_url(FakeRequest(cookie="abc"), b"phones", "x_contacts.csv", once=True)
    assert link.startswith("http://127.0.0.1:7860/downloads/") and link.endswith("/x_contacts.csv")
    token = link.split("/")[-2]
    assert len(token) >= 40 and DOWNLOADS.take(token, Owner(client="other")) is None
    assert DOWNLOADS.take(token, Owner(client="abc")).data == b"phones"


def test_the_served_route_and_the_cookie(live_server) -> None:
    first = httpx.get(live_server.url + "health", timeout=30)
    cookie = first.cookies.get(CLIENT_COOKIE)
    assert cookie and "httponly" in first.headers["set-cookie"].lower()
    again = httpx.get(live_server.url + "health", cookies={CLIENT_COOKIE: cookie}, timeout=30)
    assert CLIENT_COOKIE not in again.headers.get("set-cookie", "")  # one cookie per browser, kept
    link = download_url(FakeRequest(cookie=cookie, host=live_server.url.split("/")[2]), b"a,b\r\n1,2\r\n",
                        "t.csv", once=True)
    assert httpx.get(link, timeout=30).status_code == 404  # another client
    served = httpx.get(link, cookies={CLIENT_COOKIE: cookie}, timeout=30)
    assert served.status_code == 200 and served.content == b"a,b\r\n1,2\r\n"
    assert served.headers["cache-control"] == "no-store" and "attachment" in served.headers["content-disposition"]
    gone = httpx.get(link, cookies={CLIENT_COOKIE: cookie}, timeout=30)
    assert gone.status_code == 404 and "下载链接已失效" in gone.text


@pytest.mark.parametrize("path", ["/etc/passwd", "exports/x_contacts.csv"])
def test_no_folder_is_served(live_server, path: str) -> None:
    from assistant.config import workspace

    target = path if path.startswith("/") else str(workspace() / path)
    response = httpx.get(f"{live_server.url}gradio_api/file={target}", timeout=30)
    assert response.status_code >= 400
