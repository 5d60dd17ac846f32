"""How the site logs: one clock for every line (UTC, ISO 8601), one line per client error, error mail that
never holds a request for long."""

import logging
import time

from django.core.mail.backends.smtp import EmailBackend

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class UTCFormatter(logging.Formatter):
    converter = time.gmtime

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's own name
        return time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created)) + f".{int(record.msecs):03d}Z"


class OneLineForClientErrors(logging.Filter):
    """A request the client got wrong (a 4xx) is one line: its traceback tells nobody anything."""

    def filter(self, record):
        if getattr(record, "status_code", 500) < 500:
            record.exc_info, record.exc_text = None, None
        return True


def line_logging(*, level: str, loggers: dict) -> dict:
    """A dictConfig: one line per event on stdout, in UTC."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"line": {"()": UTCFormatter, "format": FORMAT}},
        "filters": {"one_line_for_client_errors": {"()": OneLineForClientErrors}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "line",
                "filters": ["one_line_for_client_errors"],
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": loggers,
    }


class ErrorMailBackend(EmailBackend):
    """Error mail goes out inside the failing request: a hung mail server may hold it 2 seconds at most."""

    def __init__(self, **kwargs):
        super().__init__(**{**kwargs, "timeout": 2})
