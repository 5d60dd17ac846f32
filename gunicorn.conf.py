"""Gunicorn settings; each can be overridden with GUNICORN_* variables."""

import multiprocessing
import os

from config.logs import line_logging

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
accesslog = "-"
errorlog = "-"
# gunicorn's lines on the site's clock (UTC, ISO 8601), so the time is not printed twice in the access line.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
logconfig_dict = line_logging(
    level="INFO",
    loggers={
        name: {"handlers": ["stdout"], "level": "INFO", "propagate": False}
        for name in ("gunicorn.error", "gunicorn.access")
    },
)
