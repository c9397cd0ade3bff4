"""Where the workspace lives and which dataset a command uses."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from tools.result import ToolError

DEMO_FILE_NAME = "demo.duckdb"


def env_number(name: str, default: float, minimum: float, maximum: float | None = None, *,
               integer: bool = False) -> float:
    """A numeric setting from the environment, kept within [minimum, maximum]. Unset or empty gives
    `default`; a value that does not parse gives `default` with a warning, never a crash at start.
    `integer=True` parses it as an int ("3.5" is then invalid)."""
    raw = os.environ.get(name, "").strip()
    try:
        value = (int(raw) if integer else float(raw)) if raw else default
    except ValueError:
        logging.getLogger("assistant").warning("%s=%r is not a number; using %s", name, raw, default)
        value = default
    value = max(minimum, value)
    return value if maximum is None else min(maximum, value)


def workspace() -> Path:
    """The assistant's own folder: `ASSISTANT_HOME`, else ~/.live-commerce-assistant. Created
    owner-only (0700): it holds datasets, contact stores and exports."""
    configured = os.environ.get("ASSISTANT_HOME")
    home = Path(configured).expanduser() if configured else Path.home() / ".live-commerce-assistant"
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    return home


SECRET_FILE = ".secret"


def workspace_secret() -> bytes:
    """32 random bytes made once per workspace (mode 0600): the key of the surrogate customer ids
    that replace phone numbers or nicknames used as keys, so the same buyer keeps the same id across
    imports and nobody can reverse an id by hashing every phone number."""
    path = workspace() / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(fd, "wb") as handle:
        handle.write(os.urandom(32))
    return path.read_bytes()


def sealing():
    """Where sealed copies of a person's own (unsealed) DuckDB files are kept: the workspace."""
    from tools.sealing import Sealing

    return Sealing(workspace() / "sealed", workspace_secret())


def demo_database() -> Path:
    """The built-in demo database, generated on first use."""
    path = workspace() / DEMO_FILE_NAME
    if not path.exists():
        from data.demo import build_demo

        print(f"Creating the demo dataset at {path} (first run only)...", file=sys.stderr)
        build_demo(path)
    return path


DUCKDB_SUFFIXES = (".duckdb", ".db", ".ddb")
IMPORT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".parquet")


def resolve_data(data: str | os.PathLike[str] | None) -> Path:
    """The DuckDB file to open read-only: the demo (no `data`), a user's DuckDB file, a dataset
    already imported into the workspace (by name), or an export (CSV/Excel/Parquet file or folder)
    imported now (idempotent: the same file is imported once)."""
    if data is None:
        return demo_database()
    path = Path(data).expanduser()
    if not path.exists():
        from assistant.ingest.workspace import list_datasets

        known = list_datasets()
        if str(data) in known:
            stored = Path(known[str(data)].path)
            if not stored.is_file():
                raise ToolError(
                    "dataset_missing",
                    f"The dataset '{data}' is listed, but its file {stored} is gone (deleted or moved). "
                    "Import the export again to rebuild it.",
                    f"数据集「{data}」已登记，但其文件 {stored} 不存在（已被删除或移动）。请重新导入导出文件。",
                )
            return stored
        raise ToolError("data_not_found", f"No such file: {path}", f"找不到文件：{path}")
    if path.is_file() and path.suffix.lower() in DUCKDB_SUFFIXES:
        return path
    if path.is_dir() or path.suffix.lower() in IMPORT_SUFFIXES:
        from assistant.ingest.workspace import import_dataset

        result = import_dataset(path)
        if not result.reused:
            print(result.report.summary("en"), file=sys.stderr)
        return Path(result.dataset.path)
    raise ToolError(
        "unsupported_file",
        f"{path.name}: unsupported file type. Use a DuckDB file or an export: "
        f"{', '.join(IMPORT_SUFFIXES)} (or a folder of them).",
        f"{path.name}：不支持的文件类型。请使用 DuckDB 文件或导出文件："
        f"{'、'.join(IMPORT_SUFFIXES)}（或包含它们的文件夹）。",
    )


# --- Access control (README "Running it for a team") -------------------------------------------
# ASSISTANT_USERS: "alice:secret,bob:pw", or a path to a file of `user:hash` lines (hashes from
# `python -m assistant.config hash-password`). Passwords are kept only as salted scrypt hashes and
# compared with hmac.compare_digest. ASSISTANT_ADMINS: names allowed admin actions (imports,
# exports with personal data). ASSISTANT_API_TOKENS: tokens for the JSON API, "label:token,..." or
# a file of such lines. ASSISTANT_ALLOW_OPEN=1: serve on a non-loopback address without login.

HASH_SCHEME = "scrypt"
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def hash_password(password: str, salt: bytes | None = None) -> str:
    """`scrypt$n$r$p$salt$hash` (hex): what a user file stores instead of the password."""
    import hashlib
    import secrets

    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P,
                            dklen=32)
    return f"{HASH_SCHEME}${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Hash the candidate with the stored salt and parameters; compare in constant time."""
    import hashlib
    import hmac

    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != HASH_SCHEME:
            return False
        digest = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                                p=int(p), dklen=len(expected) // 2, maxmem=256 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), expected)


def _entries(value: str) -> list[tuple[str, str]]:
    """`a:x,b:y` inline, or a file with one `a:x` per line (blank lines and # comments skipped)."""
    candidate = Path(value).expanduser()
    if ":" not in value.split(",")[0] or (candidate.is_file() and "," not in value):
        try:
            lines = candidate.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise ToolError("config_error", f"Cannot read {candidate}: {error.strerror}.",
                            f"无法读取 {candidate}：{error.strerror}。") from None
    else:
        lines = value.split(",")
    pairs = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, secret = line.partition(":")
        if not sep or not name.strip() or not secret:
            raise ToolError("config_error", f"Bad entry in access settings: expected name:secret, got {name!r}.",
                            f"访问设置格式错误：应为 名称:密码，实际为 {name!r}。")
        pairs.append((name.strip(), secret.strip()))
    return pairs


_USERS_CACHE: dict[tuple[str, float], dict[str, str]] = {}


def load_users() -> dict[str, str]:
    """User name -> salted hash, from ASSISTANT_USERS; empty when login is not configured.
    Plain passwords given inline are hashed once, in memory."""
    value = os.environ.get("ASSISTANT_USERS", "").strip()
    if not value:
        return {}
    path = Path(value).expanduser()
    key = (value, path.stat().st_mtime if path.is_file() else 0.0)
    if key not in _USERS_CACHE:
        _USERS_CACHE.clear()
        _USERS_CACHE[key] = {name: secret if secret.startswith(HASH_SCHEME + "$") else hash_password(secret)
                             for name, secret in _entries(value)}
    return _USERS_CACHE[key]


_DUMMY_HASH: list[str] = []


def check_login(username: str, password: str) -> bool:
    """Gradio's `auth=` callable. An unknown name costs the same hash as a known one."""
    users = load_users()
    stored = users.get(username)
    if stored is None:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(hash_password("not a password"))
        verify_password(password, _DUMMY_HASH[0])
        return False
    return verify_password(password, stored)


def login_required() -> bool:
    return bool(os.environ.get("ASSISTANT_USERS", "").strip())


def admins() -> set[str]:
    return {name.strip() for name in os.environ.get("ASSISTANT_ADMINS", "").split(",") if name.strip()}


def user_is_admin(username: str | None) -> bool:
    """Without login configured (one person on their own machine) everything is allowed;
    with login, only the names in ASSISTANT_ADMINS."""
    if not login_required():
        return True
    return bool(username) and username in admins()


def allow_open() -> bool:
    return os.environ.get("ASSISTANT_ALLOW_OPEN", "").strip() == "1"


def is_loopback(host: str) -> bool:
    import ipaddress

    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_exposure(host: str) -> None:
    """Refuse to serve shop data on a network address with no login, unless told to."""
    if is_loopback(host) or login_required() or allow_open():
        return
    raise ToolError(
        "open_server_refused",
        f"Refusing to serve on {host} without login: anyone on the network could read your customers' "
        "data. Set ASSISTANT_USERS (and ASSISTANT_ADMINS), see README 'Running it for a team'; or set "
        "ASSISTANT_ALLOW_OPEN=1 if the network is already protected; or use --host 127.0.0.1.",
        f"拒绝在 {host} 上无登录运行：同一网络中的任何人都能读取客户数据。请设置 ASSISTANT_USERS"
        "（及 ASSISTANT_ADMINS），见 README「Running it for a team」；如网络已另行保护，可设置 "
        "ASSISTANT_ALLOW_OPEN=1；或使用 --host 127.0.0.1。",
    )


def with_advice(error: ToolError) -> ToolError:
    """A dataset file another program holds open for writing: say what to do, not only what failed."""
    if error.code != "data_unreadable" or "lock" not in error.message("en").lower():
        return error
    return ToolError(
        "data_locked",
        error.message("en") + " Another program has this file open for writing: close that program (or "
        "stop that process) and try again, or copy the file and open the copy. The file was not changed.",
        error.message("zh") + " 另一个程序正以写入方式打开此文件：请关闭该程序（或结束该进程）后重试，"
        "或复制一份文件后打开副本。文件未被改动。",
    )


def _token_digest(token: str) -> bytes:
    import hashlib

    return hashlib.sha256(token.encode("utf-8")).digest()


def load_api_tokens() -> dict[str, bytes]:
    """Label -> SHA-256 of the token, from ASSISTANT_API_TOKENS ("label:token,..." or a file).
    A bare token (no label) is labelled token1, token2, ..."""
    value = os.environ.get("ASSISTANT_API_TOKENS", "").strip()
    if not value:
        return {}
    if ":" not in value and not Path(value).expanduser().is_file():
        value = ",".join(f"token{i}:{tok.strip()}" for i, tok in enumerate(value.split(","), 1) if tok.strip())
    return {label: _token_digest(token) for label, token in _entries(value)}


def verify_api_token(token: str | None) -> str | None:
    """The label of a valid API token, else None. Every configured token is compared, in constant time."""
    import hmac

    if not token:
        return None
    candidate = _token_digest(token.removeprefix("Bearer ").strip())
    found = None
    for label, digest in load_api_tokens().items():
        if hmac.compare_digest(candidate, digest):
            found = label
    return found


def _main(argv: list[str]) -> int:
    """`python -m assistant.config hash-password [name]`: print a `name:hash` line for a user file."""
    import getpass

    if len(argv) < 1 or argv[0] != "hash-password":
        print("usage: python -m assistant.config hash-password [name]", file=sys.stderr)
        return 2
    name = argv[1] if len(argv) > 1 else input("user name: ").strip()
    password = getpass.getpass("password: ")
    if not name or not password or password != getpass.getpass("again: "):
        print("empty name or passwords differ", file=sys.stderr)
        return 1
    print(f"{name}:{hash_password(password)}")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
