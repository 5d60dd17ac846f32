"""A test run leaves nothing behind in the temporary directory (issue 21, part 6)."""

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_DIR

SHOW_ROOT = "import tests.settings as s; print(s.TEST_ROOT); print(s.MEDIA_ROOT); print(s.HUEY.get('filename', ''))"


def run_settings(**env) -> list[str]:
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in {"CSA_TEST_ROOT", "DJANGO_PAGE_CACHE_DIR", "DJANGO_MEDIA_ROOT", "DATABASE_URL", "REDIS_URL"}
    }
    done = subprocess.run(
        [sys.executable, "-c", SHOW_ROOT],
        env={**inherited, **env},
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def test_the_process_that_makes_the_runs_folder_removes_it_with_everything_in_it_when_it_exits():
    root, media, queue = run_settings()

    assert Path(media).is_relative_to(root) and Path(queue).is_relative_to(root)
    assert not Path(root).exists()


def test_a_server_or_worker_the_run_starts_writes_into_the_runs_folder_and_leaves_it_to_the_run(tmp_path):
    root, media, _ = run_settings(CSA_TEST_ROOT=str(tmp_path))

    assert root == str(tmp_path) and Path(media).is_relative_to(tmp_path)
    assert tmp_path.exists()
