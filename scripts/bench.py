"""`make bench`: serve the site as `make run` does, measure it with wrk on loopback, then time and profile a render.

The site runs as scripts/served.py starts it: gunicorn (gunicorn.conf.py) and
the huey worker on a free 127.0.0.1 port, on a throwaway copy of the database
and page cache, with the rate limit raised through the ordinary setting and the
emails printed to the worker's log, so the posts reach no real inbox. nginx with
the shipped config/nginx.conf runs in front of the same gunicorn on another port
(served.behind_nginx), for the static file and the comparison through nginx.

wrk targets are measured in short rounds, the order rotating each round, and
each target's rounds are summed: requests/s, p50 and p99 over all its rounds
(from 1000 quantiles of each wrk run), the ratio to the static file and
gunicorn's CPU time per request. Then, in this process, the comparison page is
rendered through Django's whole stack right after exercises.pagecache.mark_stale():
timed, its SQL queries counted, and profiled with pyinstrument to show where
a render's time goes. Every figure is printed; the exit status is 1 when any
check failed (a goal missed included).
"""

import argparse
import collections
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import served
from pyinstrument import Profiler
from served import CONSULTATION

ARTICLE = "/compare/leg-press-vs-hip-thrust/"
# As links shared on social media arrive: the page cache serves them the page without the parameters.
TRACKED = f"{ARTICLE}?utm_source=x&fbclid=y"
CACHED_GOAL = 0.95
# The fleet's page cache: Redis DB 14, under a key prefix of this run's own (deleted at the end).
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
# Issue 21: the comparison through nginx against a static file through nginx.
PROXY_GOAL = 0.95
RENDER_GOAL_MS = 8.0
# The budget tests/test_budgets.py holds the article to, as it is served here.
ARTICLE_GZIP_LIMIT = 15 * 1024
PROFILED_RENDERS = 50
STYLESHEET = re.compile(r'<link[^>]+rel="stylesheet"[^>]*>')
HREF = re.compile(r'href="([^"]+)"')
SQL_TABLE = re.compile(r'\bFROM "(\w+)"')
# What the areas of a profile stand for, where the package's name does not say it.
AREAS = {
    "django.db": "the ORM: building queries, running them, making model objects",
    "django.template": "the template engine",
    "django.templatetags": "Django's template tags",
    "django.utils.html": "HTML escaping",
    "django.utils.functional": "lazy values, cached properties",
    "django.utils.safestring": "safe strings",
    "django.test": "the test client itself",
    "markdown": "Markdown",
    "nh3": "HTML sanitising",
}


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
        str(served.SCRIPTS / script),
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
        for reply in pool.map(lambda path: served.get(port, path), [p for p in paths for _ in range(workers * 6)]):
            if reply.status != 200:
                raise RuntimeError(f"warming up: {reply.status}")


def static_css_url(port: int) -> str:
    text = served.page_text(served.get(port, "/", headers={"Accept-Encoding": "gzip"}))
    urls = [url for link in STYLESHEET.findall(text) for url in HREF.findall(link)]
    hashed = [url for url in urls if re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url)]
    if not hashed:
        raise RuntimeError(f"no hashed /static/css/site.<hash>.css on the home page (found {urls})")
    return hashed[0]


# --- A render, in this process ------------------------------------------------------


def render(client, around=contextlib.nullcontext()) -> tuple[float, int]:  # noqa: B008 - reusable, stateless
    """One GET of the article that renders it: mark_stale() first, so this process's page cache has forgotten it.

    `around` (a context manager) wraps the GET alone, not mark_stale().
    """
    from exercises.pagecache import mark_stale

    mark_stale()
    client.cookies.clear()  # a first-time visitor, as every wrk GET is
    with around:
        started = time.perf_counter()
        response = client.get(ARTICLE)
        seconds = time.perf_counter() - started
    return seconds, response.status_code


def code_area(path: str | None) -> str | None:
    """The package or app module a file belongs to ("django.template", "exercises.views"); None for Python's own."""
    if not path or path.startswith("<"):
        return None
    parts = Path(path).parts
    if "site-packages" in parts:
        parts = parts[len(parts) - parts[::-1].index("site-packages") :]
    elif Path(path).is_relative_to(served.ROOT):
        parts = Path(path).relative_to(served.ROOT).parts
    else:
        return None
    depth = 3 if parts[:2] in {("django", "contrib"), ("django", "utils")} else 2  # grab-bags: one level more
    return ".".join(parts[:depth]).removesuffix(".py")


def where_the_time_goes(profiler: Profiler, top: int = 15) -> None:
    """The profile summed by area (the code each sample was running) and by function."""
    session = profiler.last_session
    root = session.root_frame()
    areas, own, inclusive = collections.Counter(), collections.Counter(), collections.Counter()
    stack = [(root, None, frozenset(), "")]
    while stack:
        frame, area, on_path, caller = stack.pop()
        # A sample in Python's own modules (re, zlib, json, sqlite3...) counts for the code that called them.
        area = code_area(frame.file_path) or area
        name = f"{frame.class_name}.{frame.function}" if frame.class_name else frame.function
        if (frame.file_path or "<").startswith("<"):
            key = f"{name}  (built-in, called by {caller})"
        else:
            key = f"{name}  ({frame.file_path_short}:{frame.line_no})"
        areas[area or "python"] += frame.total_self_time
        own[key] += frame.total_self_time
        if key not in on_path:  # a recursive call counts once
            inclusive[key] += frame.time
        stack += [(child, area, on_path | {key}, name) for child in frame.children if not child.is_synthetic]
    whole = root.time or 1.0
    print(f"profile: {session.sample_count} samples over {session.duration:.2f} s (pyinstrument)")
    print("by area (the package or app module each sample was running; Python's own modules count for their caller):")
    shown = 0.0
    for area, seconds in areas.most_common(12):
        hint = next((text for prefix, text in AREAS.items() if area == prefix or area.startswith(f"{prefix}.")), "")
        print(f"  {seconds / whole:6.1%}  {area}{f'  ({hint})' if hint else ''}")
        shown += seconds
    print(f"  {(whole - shown) / whole:6.1%}  everything else")
    print(f"the {top} functions with the most time of their own (own, then with what they call):")
    for key, seconds in own.most_common(top):
        print(f"  {seconds / whole:6.1%} {inclusive[key] / whole:6.1%}  {key}")


# --- The run --------------------------------------------------------------------


def redis_unreachable(url: str) -> str:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"Redis does not answer at {url}: {error}"
    return ""


def redis_rates(options) -> tuple[float, float]:
    """The static file and the cached comparison, measured the same way, on a site whose page cache is Redis."""
    saved = dict(os.environ)
    try:
        # A fresh copy of the data, as the first site had: served.Site reads its settings from .env and os.environ.
        for name in ("DATABASE_URL", "DJANGO_PAGE_CACHE_DIR", "DJANGO_CACHE_KEY_PREFIX"):
            os.environ.pop(name, None)
        os.environ["REDIS_URL"] = BENCH_REDIS_URL
        with served.Site("bench-redis") as site:
            static = static_css_url(site.port)
            warm(site.port, [static, ARTICLE], site.expected_workers())
            measures = {"static": Measure(), "cached": Measure()}
            for round_number in range(options.rounds):
                for name in ("static", "cached") if round_number % 2 == 0 else ("cached", "static"):
                    path = static if name == "static" else ARTICLE
                    wrk_args = (options.threads, options.connections)
                    measures[name].add_wrk(wrk(site.base + path, options.seconds, *wrk_args, "wrk_report.lua"))
            return measures["static"].rate, measures["cached"].rate
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 6)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 2)), help="per round")
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", 2)))
    parser.add_argument("--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", 16)))
    parser.add_argument("--forms", type=int, default=int(os.environ.get("BENCH_FORMS", 200)))
    parser.add_argument("--renders", type=int, default=int(os.environ.get("BENCH_RENDERS", 200)))
    options = parser.parse_args()

    failures, errors = [], []

    def check(name: str, ok: bool, detail: str, goal: bool = False) -> None:
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
        if not ok:
            failures.append(name)
            if not goal:
                errors.append(name)

    with served.Site("bench") as site, served.behind_nginx(site) as proxy:
        port = site.port
        print(f"make bench: gunicorn (gunicorn.conf.py, {len(site.workers())} workers) + huey worker on {site.base}")
        print(f"  nginx (config/nginx.conf, 1 worker) in front of it on {proxy.base}")
        for note in site.notes:
            print(f"  {note}")
        print(f"  load average at the start: {os.getloadavg()[0]:.2f} (2 cores shared with anything else running)")

        static = static_css_url(port)
        targets = {
            "static": f"static file {static}",
            "cached": f"comparison page, cached {ARTICLE}",
            "tracked": f"comparison page, cached, with tracking parameters {TRACKED}",
            "home": "home page, cached /",
            "proxy-static": f"static file through nginx {static}",
            "proxy-cached": f"comparison page through nginx {ARTICLE}",
            "post": f"valid consultation POSTs {CONSULTATION}",
        }
        paths = {"static": static, "cached": ARTICLE, "tracked": TRACKED, "home": "/"}
        paths |= {"proxy-static": static, "proxy-cached": ARTICLE}
        bases = {name: proxy.base if name.startswith("proxy-") else site.base for name in paths}
        measures = {name: Measure() for name in targets}

        with ThreadPoolExecutor(max_workers=8) as pool:
            forms = list(pool.map(lambda _: served.open_form(port), range(options.forms)))
        forms_file = site.dir / "forms.tsv"
        forms_file.write_text("".join(f"{form.body(n).decode()}\n" for n, form in enumerate(forms)))
        rows_before = served.stored_requests()
        log_offset = site.web_log_offset()

        warm(port, list(paths.values()), site.expected_workers())
        warm(proxy.port, [static, ARTICLE], 1)
        wrk_args = (options.threads, options.connections)
        order = list(targets)
        drained = 0.0
        for round_number in range(options.rounds):
            shift = round_number % len(order)
            for name in order[shift:] + order[:shift]:
                measure = measures[name]
                cpu = site.server_cpu()
                if name == "post":
                    url = site.base + CONSULTATION
                    measure.add_wrk(wrk(url, options.seconds, *wrk_args, "wrk_post.lua", str(forms_file)))
                else:
                    measure.add_wrk(wrk(bases[name] + paths[name], options.seconds, *wrk_args, "wrk_report.lua"))
                measure.cpu += site.server_cpu() - cpu
                # Each round starts from the same state: pages cached, no emails waiting.
                if name == "post":
                    drained += served.wait_for_worker()
        time.sleep(1)  # posts cut off when wrk stopped are still finishing on the server
        accepted = site.count_in_web_log(f'"POST {CONSULTATION} HTTP/1.1" 302', log_offset)
        rows = served.stored_requests() - rows_before
        owed, queued = served.emails_owed(), served.queued_jobs()
        load_at_end = os.getloadavg()[0]

        print()
        print(
            f"wrk: {options.threads} threads, {options.connections} connections, Accept-Encoding: gzip, no cookies "
            "(every GET is a first-time visitor's); "
            f"{options.rounds} rounds × {options.seconds} s per target, the order rotating each round; "
            "figures are the rounds summed"
        )
        print(f"load average at the end: {load_at_end:.2f}")
        for name, label in targets.items():
            measure = measures[name]
            # Through nginx, against the static file through nginx.
            static_rate = measures["proxy-static" if name.startswith("proxy-") else "static"].rate
            ratio = measure.rate / static_rate if static_rate else 0.0
            print()
            print(f"== {label}")
            print(f"requests/s: {measure.rate:.1f}")
            print(f"p50: {measure.percentile(50):.2f} ms")
            print(f"p99: {measure.percentile(99):.2f} ms")
            print(f"ratio to static: {ratio:.3f}")
            print(f"server CPU per request: {measure.cpu / max(measure.requests, 1) * 1e6:.0f} µs")
            bad_status = measure.errors["status"]
            socket_errors = sum(count for kind, count in measure.errors.items() if kind != "status")
            check(f"{name}: non-2xx/3xx responses", bad_status == 0, str(bad_status))
            check(f"{name}: socket errors", socket_errors == 0, f"{socket_errors} {dict(measure.errors)}")
            if name in ("cached", "tracked"):
                check(f"{name} ≥ {CACHED_GOAL} × static", ratio >= CACHED_GOAL, f"{ratio:.3f}", goal=True)
            if name == "proxy-cached":
                check(f"proxy-cached ≥ {PROXY_GOAL} × proxy-static", ratio >= PROXY_GOAL, f"{ratio:.3f}", goal=True)
                behind = measures["cached"].rate
                print(f"comparison through nginx ÷ through gunicorn: {measure.rate / behind if behind else 0.0:.2f}")
            if name == "post":
                print(f"forms fetched first: {len(forms)}")
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

        # In this process: Django is set up on the bench's copy of the data (served.Site did it).
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        print()
        print(f"== comparison page, raw render in this process {ARTICLE}")
        print(
            "method: Django's test client, one GET at a time through the whole middleware stack (Accept-Encoding: "
            "gzip, no cookies), each right after exercises.pagecache.mark_stale(), so that every GET renders the page "
            "(view, templates, SQL) and the page cache compresses and stores it; the first render is not counted"
        )
        client = Client(headers={"host": f"127.0.0.1:{port}", "accept-encoding": "gzip"})
        render(client)  # templates loaded and compiled once per process
        renders = Measure()
        for _ in range(options.renders):
            renders.add_timed(*render(client))
        queries = CaptureQueriesContext(connection)
        render(client, around=queries)
        p50 = renders.percentile(50)
        print(f"renders: {renders.requests}")
        print(f"p50: {p50:.2f} ms")
        print(f"p99: {renders.percentile(99):.2f} ms")
        tables = collections.Counter(
            table for query in queries.captured_queries for table in SQL_TABLE.findall(query["sql"])[:1]
        )
        by_table = ", ".join(f"{table} ×{count}" for table, count in tables.items())
        print(f"SQL queries in one render: {len(queries)}, by table: {by_table}")
        not_ok = sum(count for status, count in renders.statuses.items() if status != 200)
        check("render: all answered 200", not_ok == 0, f"{not_ok} other {dict(renders.statuses)}")
        check("render: the GET rendered the page (it ran SQL)", len(queries) > 0, f"{len(queries)} queries")
        check(f"raw render p50 ≤ {RENDER_GOAL_MS:.0f} ms", p50 <= RENDER_GOAL_MS, f"{p50:.2f} ms", goal=True)
        print()
        print(f"== what a phone downloads {ARTICLE}")
        reply = served.get(port, ARTICLE, headers={"Accept-Encoding": "gzip"})
        sent, html = len(reply.body), served.page_text(reply)
        print(f"article: {len(html.encode()):,} bytes of HTML, {sent:,} bytes gzip (body map included)")
        check(f"article ≤ {ARTICLE_GZIP_LIMIT // 1024} KB gzip", sent <= ARTICLE_GZIP_LIMIT, f"{sent:,} bytes")

        print()
        print(f"== where a render's time goes ({PROFILED_RENDERS} renders profiled)")
        profiler = Profiler()
        for _ in range(PROFILED_RENDERS):
            render(client, around=profiler)  # the sessions of each start/stop are combined
        where_the_time_goes(profiler)

        # The logs help with errors; a goal missed needs no logs.
        site.keep = bool(errors)

    print()
    print(f"== comparison page, cached, Redis settings (the page cache and job queue in Redis, {BENCH_REDIS_URL})")
    if reason := redis_unreachable(BENCH_REDIS_URL):
        check("Redis settings: measured", False, reason)
    else:
        static_rate, cached_rate = redis_rates(options)
        ratio = cached_rate / static_rate if static_rate else 0.0
        print(f"static file requests/s: {static_rate:.1f}")
        print(f"comparison page requests/s: {cached_rate:.1f}")
        print(f"ratio to static: {ratio:.3f}")
        check(f"Redis settings: cached ≥ {CACHED_GOAL} × static", ratio >= CACHED_GOAL, f"{ratio:.3f}", goal=True)

    print()
    if failures:
        print(f"make bench: {len(failures)} check(s) failed: {', '.join(failures)}")
        return 1
    print("make bench: every check passed")
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
