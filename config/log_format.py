"""One clock for every log line, from the web server, the site and the job worker alike: UTC, ISO 8601."""

import logging
import time

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class UTCFormatter(logging.Formatter):
    converter = time.gmtime

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's own name
        return time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created)) + f".{int(record.msecs):03d}Z"


def line_logging(*, level: str, loggers: dict) -> dict:
    """A dictConfig: one line per event on stdout, in UTC."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"line": {"()": UTCFormatter, "format": FORMAT}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "line"}},
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": loggers,
    }
