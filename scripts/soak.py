"""`make soak`: consultation posts under load, then a gunicorn worker killed mid-load.

The site is served as `make bench` serves it (scripts/served.py: gunicorn plus
the huey worker on a free 127.0.0.1 port, a throwaway copy of the data, the
rate limit raised through DJANGO_CONSULTATION_RATE_LIMIT). Bounded in time,
loopback only.

1. 32 clients post consultations for 30 s. Each client is a string of fresh
   visitors: it fetches a form (its hidden fields; the page sets no cookie),
   posts it with a browser's same-origin headers, and repeats; it keeps up to
   32 forms fetched ahead, so that the server sets the pace.
   Required: 0 5xx, 0 failed requests, rows stored = 302s received.
2. The same load again; a few seconds in, one gunicorn worker that is busy
   (child of the master, running) gets SIGKILL. Required: 0 5xx, every 302
   received is a stored row, extra rows and failed requests only as many as
   the killed worker had in flight (one: gunicorn's sync workers serve one
   request at a time), the master starts a new worker and posts succeed after
   the kill.

The exit status is 1 when any check failed.
"""

import argparse
import collections
import http.client
import itertools
import os
import random
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import served


@dataclass
class Tally:
    """What the clients saw, shared by their threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    posts: collections.Counter = field(default_factory=collections.Counter)  # status -> count
    gets: collections.Counter = field(default_factory=collections.Counter)
    failed: list = field(default_factory=list)  # (time, what, error)
    post_seconds: list = field(default_factory=list)
    accepted_at: list = field(default_factory=list)

    def record(self, kind: str, status: int, seconds: float = 0.0) -> None:
        with self.lock:
            if kind == "POST":
                self.posts[status] += 1
                self.post_seconds.append(seconds)
                if status == 302:
                    self.accepted_at.append(time.time())
            else:
                self.gets[status] += 1

    def fail(self, what: str, error: Exception) -> None:
        with self.lock:
            self.failed.append((time.time(), what, f"{type(error).__name__}: {error}"))

    def count(self, predicate) -> int:
        return sum(n for status, n in (self.posts + self.gets).items() if predicate(status))


def client(port: int, deadline: float, ahead: int, numbers, tally: Tally) -> None:
    forms: collections.deque[served.Form] = collections.deque()
    while time.time() < deadline:
        while len(forms) < ahead and time.time() < deadline:
            try:
                form = served.open_form(port)
            except served.BadReply as error:
                tally.record("GET", error.status)
                continue
            except (OSError, http.client.HTTPException, RuntimeError) as error:
                tally.fail("GET", error)
                time.sleep(0.05)
                continue
            tally.record("GET", 200)
            forms.append(form)
        if not forms:
            break
        form = forms.popleft()
        if time.time() >= deadline:
            break
        try:
            reply = served.post_form(port, form, next(numbers))
        except (OSError, http.client.HTTPException) as error:
            tally.fail("POST", error)
            continue
        tally.record("POST", reply.status, reply.seconds)


def load(port: int, clients: int, seconds: float, ahead: int) -> Tally:
    tally = Tally()
    numbers = itertools.count(random.randrange(10**6) * 1000)  # itertools.count is thread-safe in CPython
    deadline = time.time() + seconds
    threads = [
        threading.Thread(target=client, args=(port, deadline, ahead, numbers, tally), daemon=True)
        for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return tally


def busy_worker(site: served.Site, within: float = 2.0) -> tuple[int, str]:
    """A worker caught running (most likely mid-request), else any worker."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for pid in site.workers():
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state == "R":
                return pid, "running"
        time.sleep(0.001)
    return site.workers()[0], "not seen running"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def report(tally: Tally, seconds: float, rows: int) -> None:
    posts = sum(tally.posts.values())
    print(f"posts answered: {posts} ({posts / seconds:.1f}/s)")
    print(f"302 received: {tally.posts[302]}")
    print(f"other POST replies: {sum(n for s, n in tally.posts.items() if s != 302)} {dict(tally.posts)}")
    print(f"forms fetched: {sum(tally.gets.values())}")
    print(f"5xx responses: {tally.count(lambda status: status >= 500)}")
    print(f"failed requests (no reply): {len(tally.failed)}")
    for when, what, error in tally.failed[:5]:
        print(f"  {time.strftime('%H:%M:%S', time.localtime(when))} {what}: {error}")
    print(f"post p50: {percentile(tally.post_seconds, 50):.1f} ms")
    print(f"post p99: {percentile(tally.post_seconds, 99):.1f} ms")
    print(f"rows stored: {rows}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=int(os.environ.get("SOAK_CLIENTS", 32)))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", 30)))
    parser.add_argument("--kill-seconds", type=float, default=float(os.environ.get("SOAK_KILL_SECONDS", 20)))
    parser.add_argument("--ahead", type=int, default=int(os.environ.get("SOAK_AHEAD", 32)), help="forms per client")
    options = parser.parse_args()

    failures = []

    def check(name: str, ok: bool, detail: str) -> None:
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
        if not ok:
            failures.append(name)

    with served.Site("soak") as site:
        port = site.port
        print(f"make soak: gunicorn (gunicorn.conf.py, {len(site.workers())} workers) + huey worker on {site.base}")
        for note in site.notes:
            print(f"  {note}")
        print(f"  load average: {os.getloadavg()[0]:.2f}")

        print()
        print(
            f"== {options.clients} clients post for {options.seconds:.0f} s "
            f"({options.ahead} forms fetched ahead per client)"
        )
        before = served.stored_requests()
        tally = load(port, options.clients, options.seconds, options.ahead)
        rows = served.stored_requests() - before
        report(tally, options.seconds, rows)
        fivexx = tally.count(lambda status: status >= 500)
        others = sum(n for status, n in tally.posts.items() if status != 302)
        check("0 5xx responses", fivexx == 0, str(fivexx))
        check("0 failed requests, 0 other replies", not tally.failed and not others, f"{len(tally.failed)}, {others}")
        check("rows stored = 302s received", rows == tally.posts[302], f"{rows} = {tally.posts[302]}")

        print()
        print(f"== kill -9 one gunicorn worker mid-load ({options.clients} clients for {options.kill_seconds:.0f} s)")
        workers_before = sorted(site.workers())
        before = served.stored_requests()
        killed = {}

        def kill_one() -> None:
            pid, state = busy_worker(site)
            killed.update(pid=pid, state=state, at=time.time())
            os.kill(pid, signal.SIGKILL)

        timer = threading.Timer(options.kill_seconds / 3, kill_one)
        timer.start()
        tally = load(port, options.clients, options.kill_seconds, options.ahead)
        timer.join()
        time.sleep(0.5)
        rows = served.stored_requests() - before
        workers_after = sorted(site.workers())
        after_kill = sum(1 for when in tally.accepted_at if when > killed["at"])
        respawned = [pid for pid in workers_after if pid not in workers_before]
        print(f"killed worker: pid {killed['pid']} ({killed['state']}) at {options.kill_seconds / 3:.0f} s")
        print(f"workers before: {len(workers_before)}, after: {len(workers_after)} (new: {respawned})")
        report(tally, options.kill_seconds, rows)
        print(f"302s received after the kill: {after_kill}")
        fivexx = tally.count(lambda status: status >= 500)
        others = sum(n for status, n in tally.posts.items() if status != 302)
        lost_in_flight = len(tally.failed)
        check("0 5xx responses", fivexx == 0, str(fivexx))
        check("0 other replies", others == 0, str(others))
        check("every 302 received is a stored row", rows >= tally.posts[302], f"{rows} ≥ {tally.posts[302]}")
        check(
            "failures and extra rows only from the killed worker's request in flight",
            lost_in_flight <= 1 and rows - tally.posts[302] <= lost_in_flight,
            f"failed {lost_in_flight} ≤ 1, extra rows {rows - tally.posts[302]} ≤ {lost_in_flight}",
        )
        check(
            "recovers: a new worker, posts succeed after the kill",
            len(workers_after) == len(workers_before) and respawned and after_kill > 0,
            f"{len(workers_after)} workers, {after_kill} posts accepted after the kill",
        )
        health = served.get(port, "/healthz").status
        check("/healthz after the run", health == 200, str(health))

        waited = served.wait_for_worker(limit=60)
        print(f"waited for the worker: {waited:.1f} s")
        print(f"emails still owed: {served.emails_owed()}; jobs left in the shared queue: {served.queued_jobs()}")
        if failures:
            site.keep = True

    print()
    if failures:
        print(f"make soak: {len(failures)} check(s) failed: {', '.join(failures)}")
        return 1
    print("make soak: every check passed")
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
