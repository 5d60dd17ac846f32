"""The site as `make run` serves it, and the tools to measure it: shared by scripts/bench.py and scripts/soak.py.

Site starts gunicorn (gunicorn.conf.py) and the huey worker on a free 127.0.0.1
port with the settings from .env, on a throwaway copy of the database and page
cache in var/<name>-<pid>/, with DJANGO_CONSULTATION_RATE_LIMIT raised and the
emails printed to the worker's log, and sets up Django in this process on the
same copy. The rest: timed HTTP requests, and consultation forms fetched and
posted as fresh visitors. What only the bench needs (wrk, Measure) stays there.
"""

import contextlib
import gzip
import html
import http.client
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
VENV_BIN = ROOT / ".venv" / "bin"
CONSULTATION = "/consultation/"
# High enough that no bench or soak run can reach it from one loopback address.
RATE_LIMIT = 10_000_000
HIDDEN_INPUT = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as honcho reads them for `make run`."""
    values = {}
    if not path.exists():
        return values
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.removeprefix("export ").split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    """Direct children of a process (gunicorn's workers, for the master)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


class Site:
    """gunicorn plus the huey worker, as the Procfile runs them, on a throwaway copy of the data."""

    def __init__(self, name: str, *, rate_limit: int = RATE_LIMIT):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.dir = ROOT / "var" / f"{name}-{os.getpid()}"
        self.rate_limit = rate_limit
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs = {}
        self.notes: list[str] = []
        self.keep = False
        self.redis_prefix = ""

    # Settings ----------------------------------------------------------------

    def environment(self) -> dict[str, str]:
        env = {**read_env_file(ROOT / ".env"), **os.environ}
        database_url = env.get("DATABASE_URL", "")
        if not database_url or database_url.startswith("sqlite"):
            source = ROOT / (dj_database_url.parse(database_url)["NAME"] if database_url else "var/db.sqlite3")
            if not source.exists():
                raise RuntimeError(f"{source} is missing: run `make setup` first")
            copy = self.dir / "db.sqlite3"
            with contextlib.closing(sqlite3.connect(source)) as src, contextlib.closing(sqlite3.connect(copy)) as dst:
                src.backup(dst)
            env["DATABASE_URL"] = f"sqlite:///{copy}"
            self.notes.append(f"database: a copy of {source} in {self.dir}/")
        else:
            self.notes.append("database: DATABASE_URL as configured (the leads this run posts are stored there)")
        if env.get("REDIS_URL"):
            self.redis_prefix = f"{env.get('DJANGO_CACHE_KEY_PREFIX', 'csa')}-{self.dir.name}"
            env["DJANGO_CACHE_KEY_PREFIX"] = self.redis_prefix
            self.notes.append(f"page cache: Redis, under the key prefix {self.redis_prefix} (deleted at the end)")
        else:
            env["DJANGO_PAGE_CACHE_DIR"] = str(self.dir / "page-cache")
            self.notes.append(f"page cache: files in {self.dir}/page-cache/")
        env.update(
            DJANGO_CONSULTATION_RATE_LIMIT=str(self.rate_limit),
            DJANGO_EMAIL_URL="console://",
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            PYTHONUNBUFFERED="1",
            PATH=f"{VENV_BIN}:{env.get('PATH', '')}",
        )
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        self.notes.append(f"DJANGO_CONSULTATION_RATE_LIMIT={self.rate_limit}; emails printed to the worker log")
        return env

    # Processes ---------------------------------------------------------------

    def __enter__(self) -> "Site":
        self.dir.mkdir(parents=True, exist_ok=True)
        try:
            env = self.environment()
            # This process reads and writes the same database and cache through Django.
            os.environ.update(env)
            self._start("web", [str(VENV_BIN / "gunicorn"), "config.wsgi:application", "--config", "gunicorn.conf.py"])
            self._start("worker", [str(VENV_BIN / "python"), "manage.py", "run_huey"])
            self._wait_until_up()
            setup_django()
        except BaseException:
            self.keep = True
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self, name: str, command: list[str]) -> None:
        self.logs[name] = open(self.dir / f"{name}.log", "wb")  # noqa: SIM115 - closed in __exit__
        self.processes[name] = subprocess.Popen(  # noqa: S603 - fixed commands from this repository
            command, cwd=ROOT, stdout=self.logs[name], stderr=subprocess.STDOUT, start_new_session=True
        )

    def _wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}; see {self.dir}/{name}.log")
            with contextlib.suppress(OSError):
                if get(self.port, "/healthz").status == 200 and len(self.workers()) >= self.expected_workers():
                    return
            time.sleep(0.2)
        raise RuntimeError(f"the site did not answer /healthz within {timeout:.0f} s; see {self.dir}/web.log")

    def expected_workers(self) -> int:
        return int(os.environ.get("GUNICORN_WORKERS", os.cpu_count() * 2 + 1))

    def workers(self) -> list[int]:
        return children(self.processes["web"].pid)

    def __exit__(self, *exc) -> None:
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for log in self.logs.values():
            log.close()
        if self.redis_prefix:
            import redis

            client = redis.Redis.from_url(os.environ["REDIS_URL"])
            for key in client.scan_iter(match=f"{self.redis_prefix}:*", count=1000):
                client.delete(key)
        if exc[0] is not None:
            self.keep = True
        if self.keep:
            print(f"Logs and data kept in {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def server_cpu(self) -> float:
        """CPU seconds used so far by gunicorn's master and workers."""
        total = 0
        for pid in [self.processes["web"].pid, *self.workers()]:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")

    def web_log_offset(self) -> int:
        return (self.dir / "web.log").stat().st_size

    def count_in_web_log(self, pattern: str, since: int) -> int:
        with open(self.dir / "web.log", "rb") as log:
            log.seek(since)
            return log.read().decode(errors="replace").count(pattern)


@contextlib.contextmanager
def behind_nginx(site: Site):
    """The shipped config/nginx.conf in front of the site on another free port: its page cache, and
    STATIC_ROOT and MEDIA_ROOT served from disk (a throwaway nginx; see config/nginx.py)."""
    from config import nginx

    static_root, media_root = setting("STATIC_ROOT"), setting("MEDIA_ROOT")
    with nginx.running([f"127.0.0.1:{site.port}"], static_root=static_root, media_root=media_root) as proxy:
        yield proxy


def setup_django() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()


def stored_requests() -> int:
    from exercises.leads.models import ConsultationRequest

    return ConsultationRequest.objects.count()


def emails_owed() -> int:
    from exercises.leads.models import Notification, NotificationStatus

    return Notification.objects.exclude(status=NotificationStatus.SENT).count()


def queued_jobs() -> int:
    from huey.contrib.djhuey import HUEY

    return HUEY.pending_count()


def wait_for_worker(limit: float = 30) -> float:
    """Let the worker send what the posts queued, so the next round runs on a quiet machine.

    Done when no email is owed, or when the queue is empty: the SQLite queue
    (var/huey.sqlite3) is shared with any `make run` of this checkout, whose
    worker may have taken some of the jobs.
    """
    started = time.monotonic()
    while emails_owed() and queued_jobs() and time.monotonic() - started < limit:
        time.sleep(0.25)
    return time.monotonic() - started


def setting(name: str):
    from django.conf import settings

    return getattr(settings, name)


# --- HTTP -------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float = 0.0


def get(port: int, path: str, headers: dict | None = None, timeout: float = 30) -> Reply:
    return request(port, "GET", path, headers=headers, timeout=timeout)


def request(port: int, method: str, path: str, body: bytes | None = None, headers=None, timeout: float = 30) -> Reply:
    """One request on its own connection (gunicorn's sync workers close each one), timed like wrk times it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.connect()
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return Reply(response.status, response.headers, data, time.perf_counter() - started)
    finally:
        connection.close()


def page_text(reply: Reply) -> str:
    body = reply.body
    if reply.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return body.decode()


class BadReply(RuntimeError):
    def __init__(self, what: str, status: int):
        super().__init__(f"{what} answered {status}")
        self.status = status


@dataclass
class Form:
    """A consultation form as one fresh visitor received it (the same for every visitor: it sets no cookie)."""

    fields: dict[str, str]

    def body(self, number: int) -> bytes:
        data = {
            "name": f"Bench Visitor {number}",
            "email": f"bench{number}@example.com",
            "phone": "",
            "goal": "glutes",
            "preferred_contact": "email",
            "best_time": "any",
            "message": "",
            "consent": "on",
            "website": "",
            **self.fields,
        }
        return urllib.parse.urlencode(data).encode()


def open_form(port: int, path: str = CONSULTATION) -> Form:
    """GET the page as a first-time visitor: the form's hidden fields (a public page sets no cookie)."""
    reply = get(port, path, headers={"Accept-Encoding": "gzip"})
    if reply.status != 200:
        raise BadReply(f"GET {path}", reply.status)
    if reply.headers.get_all("Set-Cookie"):
        raise RuntimeError(f"GET {path} set a cookie: {reply.headers.get_all('Set-Cookie')}")
    fields = {name: html.unescape(value) for name, value in HIDDEN_INPUT.findall(page_text(reply))}
    return Form(fields=fields)


def post_form(port: int, form: Form, number: int, path: str = CONSULTATION, timeout: float = 30) -> Reply:
    return request(
        port,
        "POST",
        path,
        body=form.body(number),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            # What a browser sends with the site's own form: the view checks these instead of a CSRF token.
            "Origin": f"http://127.0.0.1:{port}",
            "Sec-Fetch-Site": "same-origin",
        },
        timeout=timeout,
    )


# --- Measuring ----------------------------------------------------------------
