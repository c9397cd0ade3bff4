"""A scripted stand-in for an OpenAI-compatible `/v1/chat/completions` endpoint, for tests.

Runs `http.server` on 127.0.0.1 (a free port) in a thread. Each request takes the next scripted
reply (the last one repeats): a text answer, tool calls, an HTTP error, a delay, or garbage. Answers
are JSON, or SSE chunks ending `data: [DONE]` when the request asks for `"stream": true`.
Every request body is recorded in `requests`.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    content: str | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)  # {"id", "name", "arguments": str}
    status: int = 200
    delay: float = 0.0
    raw: bytes | None = None  # sent as-is (garbage)
    headers: dict[str, str] = field(default_factory=dict)


def text(content: str, delay: float = 0.0) -> Reply:
    return Reply(content=content, delay=delay)


def tool_call(name: str, args: dict[str, Any] | str, call_id: str = "call_1") -> Reply:
    arguments = args if isinstance(args, str) else json.dumps(args)
    return Reply(tool_calls=[{"id": call_id, "name": name, "arguments": arguments}])


def error(status: int, message: str = "error", headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps({"error": {"message": message, "type": "server_error", "code": str(status)}})
    return Reply(status=status, raw=body.encode(), headers=headers or {})


def garbage() -> Reply:
    return Reply(raw=b"<html>definitely not json</html>")


class StubOpenAI:
    def __init__(self, *script: Reply):
        self.script: list[Reply] = list(script)
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, b'{"error": {"message": "not found"}}')
                    return
                request = json.loads(body or b"{}")
                request["_authorization"] = self.headers.get("Authorization")
                reply = stub._next(request)
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    if reply.raw is not None:
                        self._send(reply.status, reply.raw, reply.headers)
                    elif request.get("stream"):
                        self._stream(request, reply)
                    else:
                        self._send(200, json.dumps(_completion(request, reply)).encode())
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

            def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def _stream(self, request: dict[str, Any], reply: Reply) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for chunk in _chunks(request, reply):
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def _next(self, request: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(request)
            index = min(len(self.requests) - 1, len(self.script) - 1)
            return self.script[index] if self.script else text("")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> StubOpenAI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def dead_url() -> str:
    """A base URL on a port nobody listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def _message(reply: Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    if reply.tool_calls:
        message["tool_calls"] = [
            {"id": c["id"], "type": "function", "function": {"name": c["name"], "arguments": c["arguments"]}}
            for c in reply.tool_calls
        ]
    return message


def _finish(reply: Reply) -> str:
    return "tool_calls" if reply.tool_calls else "stop"


def _completion(request: dict[str, Any], reply: Reply) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "stub"),
        "choices": [{"index": 0, "message": _message(reply), "finish_reason": _finish(reply)}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


def _chunks(request: dict[str, Any], reply: Reply) -> list[dict[str, Any]]:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            "id": "chatcmpl-stub",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": request.get("model", "stub"),
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    chunks = [chunk({"role": "assistant", "content": ""})]
    if reply.content:
        middle = len(reply.content) // 2
        chunks += [chunk({"content": reply.content[:middle]}), chunk({"content": reply.content[middle:]})]
    for index, call in enumerate(reply.tool_calls):
        arguments, middle = call["arguments"], len(call["arguments"]) // 2
        head = {
            "index": index,
            "id": call["id"],
            "type": "function",
            "function": {"name": call["name"], "arguments": arguments[:middle]},
        }
        chunks += [
            chunk({"tool_calls": [head]}),
            chunk({"tool_calls": [{"index": index, "function": {"arguments": arguments[middle:]}}]}),
        ]
    chunks.append(chunk({}, _finish(reply)))
    return chunks
