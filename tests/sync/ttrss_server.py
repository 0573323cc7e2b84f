"""A real Tiny Tiny RSS on 127.0.0.1 for the sync tests: PostgreSQL, PHP's server, test feeds.

Everything lives in one temporary directory and runs as an unprivileged user (PostgreSQL's
`initdb` and TT-RSS's `update.php` refuse root). Feeds are served under invented host names by
a small HTTP proxy the tests run, because TT-RSS refuses feed URLs on localhost or on ports
other than 80/443; its `_HTTP_PROXY` setting points at that proxy.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

WEB_ROOT = Path("/usr/share/tt-rss/www")
SCHEMA = Path("/usr/share/dbconfig-common/data/tt-rss/install/pgsql")
PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
PACKAGES = ("tt-rss", "php-cgi", "php-pgsql", "php-curl", "dbconfig-no-thanks", "postgresql")
USER, PASSWORD = "admin", "password"
START_TIMEOUT = 30.0


def missing() -> str:
    """Why TT-RSS cannot be started here ('' when it can)."""
    if not WEB_ROOT.is_dir() or not SCHEMA.is_file():
        return "tt-rss is not installed"
    if shutil.which("php") is None:
        return "php is not installed"
    if _pg_bin("initdb") is None:
        return "PostgreSQL is not installed"
    return ""


def install() -> str:
    """Install the packages with apt when running as root; return why not ('' when done)."""
    if not missing():
        return ""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return f"{missing()} (install: apt-get install {' '.join(PACKAGES)})"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, capture_output=True)
    done = subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES],
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return f"apt-get install failed: {done.stderr.strip().splitlines()[-1:]}"
    return missing()


def _pg_bin(name: str) -> str | None:
    for directory in PG_BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    return shutil.which(name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_port(port: int, proc: subprocess.Popen[Any] | None = None) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


class Origin:
    """The feeds' web sites: an HTTP proxy answering absolute-URL GETs from a dict."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[str, bytes]] = {}
        self.requests: list[str] = []
        origin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = (
                    self.path if "://" in self.path else f"http://{self.headers['Host']}{self.path}"
                )
                parts = urlsplit(url)
                key = f"{parts.hostname}{parts.path}"
                origin.requests.append(key)
                found = origin.routes.get(key)
                if found is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", found[0])
                self.send_header("Content-Length", str(len(found[1])))
                self.end_headers()
                self.wfile.write(found[1])

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def put(self, url: str, body: str, content_type: str = "application/rss+xml") -> None:
        parts = urlsplit(url)
        self.routes[f"{parts.hostname}{parts.path}"] = (content_type, body.encode())

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


PR_SET_PDEATHSIG = 1


def _as_user(uid: int | None, death_signal: int = 0) -> Callable[[], None]:
    """A preexec_fn: a new session, dropped to `uid` (when the tests run as root), and, with
    `death_signal`, that signal when the test process dies, so a killed test session leaves no
    server behind (set after the uid change, which clears it)."""
    gid = pwd.getpwuid(uid).pw_gid if uid is not None else 0

    def drop() -> None:
        os.setsid()
        if uid is not None:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
        if death_signal:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, death_signal, 0, 0, 0)

    return drop


class TTRSS:
    """TT-RSS with its own database and web root; `url` is its API endpoint."""

    def __init__(self) -> None:
        self.uid: int | None = pwd.getpwnam("nobody").pw_uid if os.geteuid() == 0 else None
        self.base = Path(tempfile.mkdtemp(prefix="tui-reader-ttrss-"))
        self.base.chmod(0o755)
        self.pg_port = free_port()
        self.web_port = free_port()
        self.procs: list[subprocess.Popen[Any]] = []
        self.postgres: subprocess.Popen[Any] | None = None
        self.origin = Origin()
        self.url = f"http://127.0.0.1:{self.web_port}/api/"
        self.pg_dir = self.base / "pg"

    # -- running things as the unprivileged user -------------------------------------------------

    def _own(self, path: Path) -> None:
        if self.uid is not None:
            gid = pwd.getpwuid(self.uid).pw_gid
            os.chown(path, self.uid, gid)
            for root, dirs, files in os.walk(path):
                for name in dirs + files:
                    with contextlib.suppress(FileNotFoundError):
                        os.lchown(os.path.join(root, name), self.uid, gid)

    def run(self, *argv: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            list(argv),
            input=stdin,
            capture_output=True,
            text=True,
            cwd=self.base,
            preexec_fn=_as_user(self.uid),
            env=self._env(),
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed: {done.stderr.strip() or done.stdout.strip()}")
        return done.stdout

    def _env(self) -> dict[str, str]:
        keep = ("PATH", "LANG", "LC_ALL")
        env = {k: v for k, v in os.environ.items() if k in keep}
        env["HOME"] = str(self.base)
        return env

    def sql(self, query: str) -> str:
        """Run SQL as the database owner; the result rows, `|`-separated, one a line."""
        psql = _pg_bin("psql") or "psql"
        return self.run(
            psql, "-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-p", str(self.pg_port),
            "-U", "ttrss", "-d", "ttrss", "-v", "ON_ERROR_STOP=1", "-c", query,
        )  # fmt: skip

    def update_feeds(self) -> None:
        """TT-RSS's own feed update, as its cron job runs it."""
        self.run("php", str(self.base / "www" / "update.php"), "--feeds", "--quiet")

    # -- start and stop --------------------------------------------------------------------------

    def start(self) -> TTRSS:
        try:
            self._start_database()
            self._make_web_root()
            self._start_web()
            self._enable_api()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_database(self) -> None:
        self.pg_dir.mkdir()
        (self.base / "sock").mkdir()
        self._own(self.base)
        initdb, postgres = _pg_bin("initdb"), _pg_bin("postgres")
        assert initdb is not None and postgres is not None
        self.run(initdb, "-D", str(self.pg_dir), "-U", "ttrss", "--auth=trust", "-E", "UTF8",
                 "--no-sync", "--locale=C")  # fmt: skip
        # The postmaster is this process's child (not pg_ctl's daemon), so it can be told to
        # quit when the test process dies.
        log = (self.base / "pg.log").open("w")
        self.postgres = subprocess.Popen(
            [postgres, "-D", str(self.pg_dir), "-h", "127.0.0.1", "-p", str(self.pg_port),
             "-k", str(self.base / "sock"), "-c", "fsync=off", "-c", "synchronous_commit=off",
             "-c", "full_page_writes=off"],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.base,
            preexec_fn=_as_user(self.uid, signal.SIGQUIT),
            env=self._env(),
        )  # fmt: skip
        log.close()
        _wait_port(self.pg_port, self.postgres)
        deadline = time.monotonic() + START_TIMEOUT
        while True:  # listening is not yet accepting: "the database system is starting up"
            try:
                self.run(_pg_bin("psql") or "psql", "-X", "-q", "-h", "127.0.0.1", "-p",
                         str(self.pg_port), "-U", "ttrss", "-d", "postgres", "-c", "SELECT 1")  # fmt: skip
                break
            except RuntimeError:
                if time.monotonic() > deadline or self.postgres.poll() is not None:
                    raise
                time.sleep(0.05)
        psql = _pg_bin("psql") or "psql"
        self.run(psql, "-X", "-q", "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "ttrss",
                 "-d", "postgres", "-c", "CREATE DATABASE ttrss")  # fmt: skip
        self.run(psql, "-X", "-q", "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "ttrss",
                 "-d", "ttrss", "-v", "ON_ERROR_STOP=1", "-f", str(SCHEMA))  # fmt: skip

    def _make_web_root(self) -> None:
        www = self.base / "www"
        shutil.copytree(WEB_ROOT, www, symlinks=True)
        # Relative links (lib/dojo -> ../../../javascript/dojo) point nowhere from the copy.
        for path in [p for p in www.rglob("*") if p.is_symlink()]:
            target = os.readlink(path)
            original = WEB_ROOT / path.relative_to(www)
            path.unlink()
            if path.name in ("config.php", "feed-icons"):
                continue
            path.symlink_to((original.parent / target).resolve())
        for name in ("feed-icons", "cache/images", "cache/upload", "cache/export", "lock"):
            (self.base / name).mkdir(parents=True, exist_ok=True)
        (www / "feed-icons").symlink_to(self.base / "feed-icons")
        (www / "config.php").write_text(self._config())
        self._own(self.base)

    def _config(self) -> str:
        settings: dict[str, Any] = {
            "DB_TYPE": "pgsql",
            "DB_HOST": "127.0.0.1",
            "DB_USER": "ttrss",
            "DB_NAME": "ttrss",
            "DB_PASS": "",
            "DB_PORT": str(self.pg_port),
            "MYSQL_CHARSET": "UTF8",
            "SELF_URL_PATH": f"http://127.0.0.1:{self.web_port}/",
            "_SKIP_SELF_URL_PATH_CHECKS": True,
            "SINGLE_USER_MODE": False,
            "SIMPLE_UPDATE_MODE": False,
            "PHP_EXECUTABLE": "/usr/bin/php",
            "LOCK_DIRECTORY": str(self.base / "lock"),
            "CACHE_DIR": str(self.base / "cache"),
            "ICONS_DIR": "feed-icons",
            "ICONS_URL": "feed-icons",
            "AUTH_AUTO_CREATE": True,
            "AUTH_AUTO_LOGIN": True,
            "FORCE_ARTICLE_PURGE": 0,
            "ENABLE_REGISTRATION": False,
            "REG_NOTIFY_ADDRESS": "user@example.org",
            "REG_MAX_USERS": 10,
            "SESSION_COOKIE_LIFETIME": 86400,
            "SMTP_FROM_NAME": "Tiny Tiny RSS",
            "SMTP_FROM_ADDRESS": "noreply@example.org",
            "DIGEST_SUBJECT": "[tt-rss] New headlines",
            "CHECK_FOR_UPDATES": False,
            "ENABLE_GZIP_OUTPUT": False,
            "PLUGINS": "auth_internal",
            "LOG_DESTINATION": "",
            "CONFIG_VERSION": 26,
            "DAEMON_UPDATE_LOGIN_LIMIT": 0,
            "_HTTP_PROXY": f"127.0.0.1:{self.origin.port}",
        }
        lines = ["<?php"]
        for name, value in settings.items():
            if isinstance(value, bool):
                text = "true" if value else "false"
            elif isinstance(value, int):
                text = str(value)
            else:
                text = "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
            lines.append(f"define('{name}', {text});")
        return "\n".join(lines) + "\n"

    def _start_web(self) -> None:
        log = (self.base / "php.log").open("w")
        proc = subprocess.Popen(
            ["php", "-S", f"127.0.0.1:{self.web_port}", "-t", str(self.base / "www")],
            cwd=self.base / "www",
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_as_user(self.uid, signal.SIGTERM),
            env=self._env(),  # one process (no PHP_CLI_SERVER_WORKERS): it dies with its signal
        )
        log.close()
        self.procs.append(proc)
        _wait_port(self.web_port, proc)

    def _enable_api(self) -> None:
        # update.php updates only the feeds of users with this preference row
        self.sql(
            "INSERT INTO ttrss_user_prefs (owner_uid, pref_name, profile, value) "
            "VALUES (1, 'DEFAULT_UPDATE_INTERVAL', NULL, '30')"
        )
        self.set_api(True)

    def set_api(self, enabled: bool) -> None:
        value = "true" if enabled else "false"
        self.sql(
            "DELETE FROM ttrss_user_prefs WHERE owner_uid = 1 AND pref_name = 'ENABLE_API_ACCESS';"
            "INSERT INTO ttrss_user_prefs (owner_uid, pref_name, profile, value) "
            f"VALUES (1, 'ENABLE_API_ACCESS', NULL, '{value}')"
        )

    def expire_sessions(self) -> None:
        self.sql("DELETE FROM ttrss_sessions")

    def stop_web(self) -> None:
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(10)
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.procs.clear()

    def stop(self) -> None:
        self.stop_web()
        if self.postgres is not None:
            with contextlib.suppress(ProcessLookupError):
                self.postgres.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.postgres.wait(20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.postgres.pid, signal.SIGKILL)
                self.postgres.wait()
            self.postgres = None
        self.origin.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    # -- a test's view of the server's API ----------------------------------------------------

    @contextlib.contextmanager
    def api(self) -> Iterator[Callable[..., Any]]:
        """Call the API as the admin, the way another device would."""
        with httpx.Client(timeout=30) as client:
            sid = ""

            def call(op: str, **params: Any) -> Any:
                body = {"op": op, "sid": sid, **params}
                reply = client.post(self.url, json=body).json()
                assert reply["status"] == 0, reply
                return reply["content"]

            sid = call("login", user=USER, password=PASSWORD)["session_id"]
            yield call
