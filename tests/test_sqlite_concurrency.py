"""The default SQLite database takes concurrent writers without "database is locked".

config/settings.py turns on WAL, BEGIN IMMEDIATE and a busy timeout. Each
worker here reads a row and writes back a value computed from what it read,
the pattern that fails under SQLite's default DEFERRED transactions (a
reader cannot upgrade to a writer once another has written) and that loses
updates if two transactions could ever read the same value.
"""

import multiprocessing
import sqlite3
import time
from urllib.parse import urlsplit

import pytest

from tests import burst

PROCESSES = 8
TRANSACTIONS = 100


@pytest.fixture
def sqlite_database_url(request):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip(f"SQLite tuning is tested when the suite runs on SQLite; this run is on {connection.vendor}.")
    return request.getfixturevalue("server_database_url")


def test_eight_processes_of_read_then_write_transactions_never_hit_database_is_locked(sqlite_database_url):
    path = urlsplit(sqlite_database_url).path
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    start_at = time.time() + 4
    workers = [
        context.Process(target=burst.read_then_write, args=(sqlite_database_url, start_at, TRANSACTIONS, results))
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=10)

    errors = [error for _, worker_errors in outcomes for error in worker_errors]
    assert errors == []
    assert sum(committed for committed, _ in outcomes) == PROCESSES * TRANSACTIONS
    with sqlite3.connect(path) as database:
        assert database.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        total = database.execute("SELECT hits FROM exercises_counter WHERE key = 'read-then-write'").fetchone()
    assert total == (PROCESSES * TRANSACTIONS,)
