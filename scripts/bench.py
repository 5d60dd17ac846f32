"""`make bench`: serve the site as `make run` does and measure it with wrk on loopback.

gunicorn (gunicorn.conf.py) and the huey worker are started on a free
127.0.0.1 port with the settings from .env, except that
- the database and the page cache are a throwaway copy under var/bench-<pid>/
  (the site's own leads, rate-limit counters and cached pages stay untouched),
- DJANGO_CONSULTATION_RATE_LIMIT is raised (the ordinary setting; there is no
  bypass in the code) and emails go to the worker's log (console backend),
  so the posts reach no real inbox.

Targets are measured in short rounds, the order rotating each round, and each
target's rounds are summed: requests/s, p50 and p99 over all its rounds (from
1000 quantiles of each wrk run), the ratio to the static file and gunicorn's
CPU time per request. Every figure is printed; the exit status is 1 when any
check failed (a goal missed included).

scripts/soak.py reuses the Site class and the form helpers from here.
"""

import argparse
import collections
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
VENV_BIN = ROOT / ".venv" / "bin"
ARTICLE = "/compare/leg-press-vs-hip-thrust/"
CONSULTATION = "/consultation/"
# High enough that no bench or soak run can reach it from one loopback address.
RATE_LIMIT = 10_000_000
ARTICLE_GZIP_LIMIT = 15 * 1024
CSS_GZIP_LIMIT = 10 * 1024
CACHED_GOAL = 0.9
MISS_GOAL = 0.15
HIDDEN_INPUT = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')
STYLESHEET = re.compile(r'<link[^>]+rel="stylesheet"[^>]*>')
HREF = re.compile(r'href="([^"]+)"')
EXERCISE_LINK = re.compile(r'href="(/exercises/[\w-]+/)"')
SCRIPT_ELEMENT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
# Data blocks: browsers never run these (e.g. the JSON-LD that describes an article).
DATA_BLOCK = re.compile(r'\btype\s*=\s*"application/(ld\+)?json"', re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"\son[a-z]+\s*=|javascript:", re.IGNORECASE)


# --- The site ---------------------------------------------------------------


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
            self.notes.append("database: DATABASE_URL as configured (bench leads are stored there)")
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


def setup_django() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()


def stored_requests() -> int:
    from exercises.models import ConsultationRequest

    return ConsultationRequest.objects.count()


def emails_owed() -> int:
    from exercises.models import Notification, NotificationStatus

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
    """A consultation form as one fresh visitor received it."""

    cookie: str
    fields: dict[str, str]
    fetched_at: float

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
    """GET the page as a first-time visitor: its csrftoken cookie and the form's hidden fields."""
    reply = get(port, path, headers={"Accept-Encoding": "gzip"})
    if reply.status != 200:
        raise BadReply(f"GET {path}", reply.status)
    cookies = [value.split(";", 1)[0] for value in reply.headers.get_all("Set-Cookie") or []]
    csrf = [cookie for cookie in cookies if cookie.startswith("csrftoken=")]
    if not csrf:
        raise RuntimeError(f"GET {path} set no csrftoken cookie")
    fields = {name: html.unescape(value) for name, value in HIDDEN_INPUT.findall(page_text(reply))}
    return Form(cookie=csrf[0], fields=fields, fetched_at=time.time())


def post_form(port: int, form: Form, number: int, path: str = CONSULTATION, timeout: float = 30) -> Reply:
    return request(
        port,
        "POST",
        path,
        body=form.body(number),
        headers={
            "Cookie": form.cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{port}{path}",
        },
        timeout=timeout,
    )


def wait_fill_time(forms: list[Form], margin: float = 0.2) -> float:
    """Sleep until the newest form is older than DJANGO_CONSULTATION_MIN_FILL_SECONDS, as a person would."""
    ready_at = max(form.fetched_at for form in forms) + setting("CONSULTATION_MIN_FILL_SECONDS") + margin
    wait = max(0.0, ready_at - time.time())
    time.sleep(wait)
    return wait


# --- Measuring ----------------------------------------------------------------


@dataclass
class Measure:
    """One target's rounds, summed."""

    requests: int = 0
    seconds: float = 0.0
    # Latency in microseconds -> how many requests it stands for.
    latency_us: collections.Counter = field(default_factory=collections.Counter)
    errors: collections.Counter = field(default_factory=collections.Counter)
    statuses: collections.Counter = field(default_factory=collections.Counter)
    sent: int = 0
    cpu: float = 0.0  # gunicorn's CPU seconds over the rounds

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """In milliseconds, over all rounds."""
        total = sum(self.latency_us.values())
        seen = 0.0
        for us in sorted(self.latency_us):
            seen += self.latency_us[us]
            if seen >= p / 100 * total - 1e-9:
                return us / 1000
        return float("nan")

    def add_wrk(self, output: str) -> None:
        for line in output.splitlines():
            kind, _, rest = line.partition(" ")
            if kind == "bench-summary":
                values = dict(item.split("=") for item in rest.split())
                requests = int(values.pop("requests"))
                self.requests += requests
                self.seconds += int(values.pop("duration_us")) / 1e6
                self.errors.update({name: int(count) for name, count in values.items()})
            elif kind == "bench-quantiles":
                quantiles = [int(us) for us in rest.split()]
                for us in quantiles:
                    self.latency_us[us] += requests / len(quantiles)
            elif kind == "bench-posts":
                values = dict(item.split("=") for item in rest.split())
                self.sent += int(values.pop("sent"))
                self.statuses.update({int(status): int(count) for status, count in values.items()})

    def add_timed(self, seconds: float, status: int) -> None:
        self.requests += 1
        self.seconds += seconds
        self.latency_us[round(seconds * 1e6)] += 1
        self.statuses[status] += 1


def wrk(url: str, seconds: int, threads: int, connections: int, script: str, *args: str) -> str:
    command = [
        shutil.which("wrk") or "/usr/bin/wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-H",
        "Accept-Encoding: gzip",
        "-s",
        str(SCRIPTS / script),
        url,
    ]
    if args:
        command += ["--", *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=seconds + 60)  # noqa: S603
    if result.returncode != 0 or "bench-summary" not in result.stdout:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def warm(port: int, paths: list[str], workers: int) -> None:
    """Enough GETs that every gunicorn worker holds each page in memory."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        for reply in pool.map(lambda path: get(port, path), [p for p in paths for _ in range(workers * 6)]):
            if reply.status != 200:
                raise RuntimeError(f"warming up: {reply.status}")


def edit_then_get(port: int, seconds: float, measure: "Measure", render: "Measure", saves: "Measure") -> None:
    """The miss path, two ways, alternately.

    - An edit: save content through the ORM, as the admin does (the save's
      commit drops every cached page and renders the public pages again in
      the saving process), then time the first GET: what a reader gets just
      after an edit. The save's own time goes into `saves`.
    - A render: drop the cached pages without rendering them again, then
      time the GET, which renders the page: the path a reader takes when a
      page is not cached (e.g. past the save's rendering budget).
    """
    from exercises.models import Comparison
    from exercises.page_cache import invalidate_pages

    comparison = Comparison.objects.get(slug=ARTICLE.strip("/").split("/")[-1])
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        comparison.save()  # post_save: new page-cache generation, then the pages are rendered again
        saves.add_timed(time.perf_counter() - started, 200)
        for target in (measure, render):
            if target is render:
                invalidate_pages()
            reply = get(port, ARTICLE, headers={"Accept-Encoding": "gzip"})
            target.add_timed(reply.seconds, reply.status)
            if reply.status != 200:
                target.errors["status"] += 1


# --- Sizes and scripts ----------------------------------------------------------


def check_pages(port: int, check) -> None:
    article = get(port, ARTICLE, headers={"Accept-Encoding": "gzip"})
    encoding = article.headers.get("Content-Encoding", "none")
    print(f"article HTML: {len(page_text(article))} bytes, {len(article.body)} bytes {encoding}")
    check(
        "article HTML gzip ≤ 15 KB",
        encoding == "gzip" and len(article.body) <= ARTICLE_GZIP_LIMIT,
        f"{len(article.body)} bytes ({encoding}), limit {ARTICLE_GZIP_LIMIT}",
    )

    pages = ["/", ARTICLE, CONSULTATION, "/consultation/thanks/"]
    pages += sorted(set(EXERCISE_LINK.findall(page_text(article))))
    stylesheets, with_script, data_blocks = set(), [], 0
    for path in pages:
        reply = get(port, path, headers={"Accept-Encoding": "gzip"})
        text = page_text(reply)
        if reply.status != 200:
            with_script.append(f"{path} ({reply.status})")
        scripts = [attributes for attributes in SCRIPT_ELEMENT.findall(text) if not DATA_BLOCK.search(attributes)]
        data_blocks += len(SCRIPT_ELEMENT.findall(text)) - len(scripts)
        if scripts or INLINE_SCRIPT.search(text):
            with_script.append(path)
        for link in STYLESHEET.findall(text):
            stylesheets.update(HREF.findall(link))
    total = 0
    for url in sorted(stylesheets):
        reply = get(port, url, headers={"Accept-Encoding": "gzip"})
        size = len(reply.body)
        total += size
        print(f"CSS {url}: {size} bytes {reply.headers.get('Content-Encoding', 'none')} ({reply.status})")
    check(
        "all CSS gzip ≤ 10 KB", total <= CSS_GZIP_LIMIT and bool(stylesheets), f"{total} bytes, limit {CSS_GZIP_LIMIT}"
    )
    check(
        "no JavaScript on public pages",
        not with_script,
        f"checked {len(pages)} pages: {', '.join(pages)}; {data_blocks} JSON data block(s) (not run)"
        + (f"; script found in {', '.join(with_script)}" if with_script else ""),
    )


def static_css_url(port: int) -> str:
    text = page_text(get(port, "/", headers={"Accept-Encoding": "gzip"}))
    urls = [url for link in STYLESHEET.findall(text) for url in HREF.findall(link)]
    hashed = [url for url in urls if re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url)]
    if not hashed:
        raise RuntimeError(f"no hashed /static/css/site.<hash>.css on the home page (found {urls})")
    return hashed[0]


# --- The run --------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 6)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 2)), help="per round")
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", 2)))
    parser.add_argument("--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", 16)))
    parser.add_argument("--forms", type=int, default=int(os.environ.get("BENCH_FORMS", 200)))
    options = parser.parse_args()

    failures, errors = [], []

    def check(name: str, ok: bool, detail: str, goal: bool = False) -> None:
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
        if not ok:
            failures.append(name)
            if not goal:
                errors.append(name)

    with Site("bench") as site:
        port = site.port
        print(f"make bench: gunicorn (gunicorn.conf.py, {len(site.workers())} workers) + huey worker on {site.base}")
        for note in site.notes:
            print(f"  {note}")
        print(f"  load average at the start: {os.getloadavg()[0]:.2f} (2 cores shared with anything else running)")
        print()
        print("== sizes and scripts")
        check_pages(port, check)

        static = static_css_url(port)
        targets = {
            "static": f"static file {static}",
            "cached": f"comparison page, cached {ARTICLE}",
            "miss": f"comparison page just after an edit (the miss path; the save rendered it again) {ARTICLE}",
            "home": "home page, cached /",
            "post": f"valid consultation POSTs {CONSULTATION}",
        }
        measures = {name: Measure() for name in targets}
        render, saves = Measure(), Measure()

        with ThreadPoolExecutor(max_workers=8) as pool:
            forms = list(pool.map(lambda _: open_form(port), range(options.forms)))
        forms_file = site.dir / "forms.tsv"
        forms_file.write_text("".join(f"{form.cookie}\t{form.body(n).decode()}\n" for n, form in enumerate(forms)))
        waited = wait_fill_time(forms)
        rows_before = stored_requests()
        log_offset = site.web_log_offset()

        warm(port, [static, ARTICLE, "/"], site.expected_workers())
        wrk_args = (options.threads, options.connections)
        order = list(targets)
        drained = 0.0
        for round_number in range(options.rounds):
            shift = round_number % len(order)
            for name in order[shift:] + order[:shift]:
                measure = measures[name]
                cpu = site.server_cpu()
                if name == "miss":
                    edit_then_get(port, options.seconds, measure, render, saves)
                elif name == "post":
                    url = site.base + CONSULTATION
                    measure.add_wrk(wrk(url, options.seconds, *wrk_args, "wrk_post.lua", str(forms_file)))
                else:
                    url = site.base + {"static": static, "cached": ARTICLE, "home": "/"}[name]
                    measure.add_wrk(wrk(url, options.seconds, *wrk_args, "wrk_report.lua"))
                measure.cpu += site.server_cpu() - cpu
                # Each round starts from the same state: pages cached, no emails waiting.
                if name == "miss":
                    warm(port, [ARTICLE, "/"], site.expected_workers())
                if name == "post":
                    drained += wait_for_worker()
        time.sleep(1)  # posts cut off when wrk stopped are still finishing on the server
        accepted = site.count_in_web_log(f'"POST {CONSULTATION} HTTP/1.1" 302', log_offset)
        rows = stored_requests() - rows_before
        owed, queued = emails_owed(), queued_jobs()
        load_at_end = os.getloadavg()[0]

        print()
        print(
            f"wrk: {options.threads} threads, {options.connections} connections, Accept-Encoding: gzip, no cookies "
            f"(every GET is a first-time visitor); {options.rounds} rounds × {options.seconds} s per target, "
            "the order rotating each round; figures are the rounds summed"
        )
        print(f"load average at the end: {load_at_end:.2f}")
        static_rate = measures["static"].rate
        for name, label in targets.items():
            measure = measures[name]
            ratio = measure.rate / static_rate if static_rate else 0.0
            print()
            print(f"== {label}")
            if name == "miss":
                print(
                    "method: one client, one request at a time: Comparison.save() through the ORM in this process "
                    "(its commit drops every cached page and renders the public pages again), then one timed GET; "
                    "requests/s = 1 / mean GET time"
                )
                print(f"GETs: {measure.requests}")
                print(f"the save, rendering the pages again: p50 {saves.percentile(50):.1f} ms")
                print(f"the save, rendering the pages again: p99 {saves.percentile(99):.1f} ms")
            print(f"requests/s: {measure.rate:.1f}")
            print(f"p50: {measure.percentile(50):.2f} ms")
            print(f"p99: {measure.percentile(99):.2f} ms")
            print(f"ratio to static: {ratio:.3f}")
            if name == "miss":
                gets = measure.requests + render.requests
                print(f"server CPU per GET (both kinds below): {measure.cpu / max(gets, 1) * 1e6:.0f} µs")
            else:
                print(f"server CPU per request: {measure.cpu / max(measure.requests, 1) * 1e6:.0f} µs")
            bad_status = measure.errors["status"]
            socket_errors = sum(count for kind, count in measure.errors.items() if kind != "status")
            check(f"{name}: non-2xx/3xx responses", bad_status == 0, str(bad_status))
            if name != "miss":
                check(f"{name}: socket errors", socket_errors == 0, f"{socket_errors} {dict(measure.errors)}")
            if name == "cached":
                check("cached ≥ 0.9 × static", ratio >= CACHED_GOAL, f"{ratio:.3f}", goal=True)
            if name == "miss":
                check("miss ≥ 0.15 × static", ratio >= MISS_GOAL, f"{ratio:.3f}", goal=True)
                render_ratio = render.rate / static_rate if static_rate else 0.0
                print()
                print(f"== comparison page rendered on a cache miss (no save rendered it first) {ARTICLE}")
                print("method: as above, but the cached pages are dropped without rendering them again")
                print(f"GETs: {render.requests}")
                print(f"requests/s: {render.rate:.1f}")
                print(f"p50: {render.percentile(50):.2f} ms")
                print(f"p99: {render.percentile(99):.2f} ms")
                print(f"ratio to static: {render_ratio:.3f}")
                check("render: non-2xx/3xx responses", render.errors["status"] == 0, str(render.errors["status"]))
            if name == "post":
                print(f"forms fetched first: {len(forms)}, then waited {waited:.1f} s (min fill time)")
                print(f"posts sent: {measure.sent}")
                print(f"302 received: {measure.statuses[302]}")
                others = {status: count for status, count in measure.statuses.items() if status != 302}
                print(f"other replies: {sum(others.values())} {others or ''}".rstrip())
                print(f"posts accepted (302s in gunicorn's access log): {accepted}")
                print(f"rows stored: {rows}")
                print(f"waited for the worker after the post rounds: {drained:.1f} s in all")
                print(f"emails still owed: {owed}; jobs left in the shared queue: {queued}")
                check("post: 0 errors", not others and not bad_status and not socket_errors, f"{others or 0}")
                check("rows stored = posts accepted", rows == accepted, f"{rows} = {accepted}")
                check(
                    "every 302 received was stored",
                    measure.statuses[302] <= rows <= measure.sent,
                    f"{measure.statuses[302]} ≤ {rows} ≤ {measure.sent}",
                )
        # The logs help with errors; a goal missed needs no logs.
        site.keep = bool(errors)

    print()
    if failures:
        print(f"make bench: {len(failures)} check(s) failed: {', '.join(failures)}")
        return 1
    print("make bench: every check passed")
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
