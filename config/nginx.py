"""The shipped nginx site (config/nginx.conf) with its @...@ words filled in, and a throwaway nginx serving it.

A deployer writes the site file once, for instance:

    python -m config.nginx --listen 80 --server-name example.com --server-name www.example.com \\
        --app 10.0.0.11:8000 --app 10.0.0.12:8000 --cache-dir /var/cache/nginx/csa \\
        --static-root /srv/csa/staticfiles --media-root /srv/csa/var/media > /etc/nginx/sites-available/csa

`make test-proxy` and `make bench` use running(): Debian's nginx in the foreground on a free loopback
port, everything it writes (pid, logs, cache, temp files) in a temp directory removed when it stops;
/etc/nginx and port 80 are never touched.
"""

import argparse
import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

NGINX = "/usr/sbin/nginx"
TEMPLATE = Path(__file__).with_name("nginx.conf")
PLACEHOLDER = re.compile(r"@([A-Z_]+)@")
# A value goes into the file as one nginx word.
WORD = re.compile(r"[^\s;{}'\"#]+")
# The types the site's files need: the throwaway nginx reads nothing under /etc/nginx.
TYPES = {
    "text/html": "html",
    "text/css": "css",
    "text/plain": "txt",
    "text/javascript": "js mjs",
    "application/json": "json map",
    "application/manifest+json": "webmanifest",
    "application/xml": "xml",
    "image/svg+xml": "svg",
    "image/png": "png",
    "image/jpeg": "jpg jpeg",
    "image/webp": "webp",
    "image/avif": "avif",
    "image/x-icon": "ico",
    "font/woff2": "woff2",
}


def render(
    *,
    listen: str,
    server_names: Sequence[str],
    app_servers: Sequence[str],
    cache_dir: str | Path,
    static_root: str | Path,
    media_root: str | Path,
) -> str:
    """config/nginx.conf with every @...@ word filled in."""
    if not app_servers:
        raise ValueError("at least one app server (host:port) is needed")
    words = [str(listen), *server_names, *app_servers, str(cache_dir), str(static_root), str(media_root)]
    if bad := [word for word in words if not WORD.fullmatch(word)]:
        raise ValueError(f"not usable as one nginx word: {bad}")
    values = {
        "LISTEN": str(listen),
        "SERVER_NAMES": " ".join(server_names),
        "APP_SERVERS": "\n    ".join(f"server {server} max_fails=3 fail_timeout=10s;" for server in app_servers),
        "CACHE_DIR": str(cache_dir),
        "STATIC_ROOT": str(static_root).rstrip("/"),
        "MEDIA_ROOT": str(media_root).rstrip("/"),
    }
    template = TEMPLATE.read_text()
    if unknown := set(PLACEHOLDER.findall(template)) - values.keys():
        raise ValueError(f"{TEMPLATE} has placeholders this script does not fill: {sorted(unknown)}")
    return PLACEHOLDER.sub(lambda match: values[match[1]], template)


def main_config(directory: Path, site: Path) -> str:
    """The nginx.conf around the site file: one worker, its files all in `directory`."""
    types = "".join(f"        {mime} {extensions};\n" for mime, extensions in TYPES.items())
    temp = "".join(
        f"    {kind}_temp_path {directory / 'temp' / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi")
    )
    # Run as root (CI), the workers would otherwise be nobody, who cannot read the temp directory.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes 1;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        f"    types {{\n{types}    }}\n"
        "    default_type application/octet-stream;\n"
        # As Debian's own /etc/nginx/nginx.conf has them, so that this nginx serves files as a deployed one does.
        "    sendfile on;\n"
        "    tcp_nopush on;\n"
        f"    access_log {directory / 'access.log'};\n"
        f"{temp}    scgi_temp_path {directory / 'temp' / 'scgi'};\n"
        f"    include {site};\n"
        "}\n"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Proxy:
    port: int
    directory: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def error_log(self) -> str:
        path = self.directory / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


def missing() -> str:
    """Why nginx cannot be run here, or ""."""
    if not os.access(NGINX, os.X_OK):
        return f"{NGINX} is missing (Debian's nginx: apt-get install nginx; `make test-proxy` installs it as root)"
    return ""


@contextlib.contextmanager
def running(
    app_servers: Sequence[str],
    *,
    static_root: str | Path,
    media_root: str | Path,
    server_names: Sequence[str] = ("127.0.0.1", "localhost"),
    startup_timeout: float = 10,
) -> Iterator[Proxy]:
    """nginx with the shipped site in front of `app_servers` (host:port), on a free 127.0.0.1 port."""
    if reason := missing():
        raise RuntimeError(reason)
    directory = Path(tempfile.mkdtemp(prefix="csa-nginx-"))
    process = None
    try:
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (directory / "temp" / kind).mkdir(parents=True)
        port = free_port()
        site = directory / "site.conf"
        site.write_text(
            render(
                listen=f"127.0.0.1:{port}",
                server_names=server_names,
                app_servers=app_servers,
                cache_dir=directory / "cache",
                static_root=static_root,
                media_root=media_root,
            )
        )
        config = directory / "nginx.conf"
        config.write_text(main_config(directory, site))
        globals_ = f"daemon off; pid {directory / 'nginx.pid'}; error_log {directory / 'error.log'} warn;"
        command = [NGINX, "-p", f"{directory}/", "-c", str(config), "-e", str(directory / "error.log"), "-g", globals_]
        checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True, check=False)  # noqa: S603
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t refused the config:\n{checked.stderr}")
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        proxy = Proxy(port, directory)
        deadline = time.monotonic() + startup_timeout
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start:\n{proxy.error_log()}")
            time.sleep(0.05)
        yield proxy
    finally:
        if process is not None:
            process.terminate()  # SIGTERM: nginx's fast shutdown, workers included
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(directory, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print config/nginx.conf filled in, for /etc/nginx/sites-available/.")
    parser.add_argument("--listen", default="80", help="address:port or port (default 80)")
    parser.add_argument("--server-name", action="append", required=True, help="a host name of the site; repeat")
    parser.add_argument("--app", action="append", required=True, help="a gunicorn instance, host:port; repeat")
    parser.add_argument("--cache-dir", default="/var/cache/nginx/csa")
    parser.add_argument("--static-root", required=True, help="DJANGO_STATIC_ROOT (after collectstatic)")
    parser.add_argument("--media-root", required=True, help="DJANGO_MEDIA_ROOT, shared by every instance")
    options = parser.parse_args(argv)
    try:
        text = render(
            listen=options.listen,
            server_names=options.server_name,
            app_servers=options.app,
            cache_dir=options.cache_dir,
            static_root=options.static_root,
            media_root=options.media_root,
        )
    except ValueError as error:
        parser.error(str(error))
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
