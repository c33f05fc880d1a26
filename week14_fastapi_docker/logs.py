"""Structured logs: one JSON object per line, through the standard `logging` module.

Why JSON: a log line is read by programs (week 15 parses these, a log shipper indexes them) far more often than
by people, and `key=value` prose breaks on the first value with a space in it. What goes in: request id, route,
status, latency, model version, batch size, and for errors an error id. What never goes in: the text a user sent
(it may be private; the service only ever logs its length and count). A test sends a unique sentence and checks
that it appears nowhere in the logs.

    configure_logging(level="INFO", log_file="service.log")   # stderr, plus a rotating file
    logging.getLogger("week14.access").info("request", extra={"route": "/predict", "status": 200})
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import sys
import time
from pathlib import Path

LOGGER = "week14"  # the service logs under "week14.*"; configure_logging attaches handlers here only
# The structured fields a record may carry (passed with `extra=`); anything else on the record is ignored, so an
# accidental `extra={"text": ...}` cannot leak an input into the logs.
FIELDS = (
    "request_id",
    "route",
    "method",
    "status",
    "latency_ms",
    "model_version",
    "batch_size",
    "n_texts",
    "error_id",
    "error_type",
    "event",
)


class JsonFormatter(logging.Formatter):
    """`{"ts": ..., "level": ..., "logger": ..., "message": ..., <FIELDS present on the record>}` per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,  # which uvicorn worker wrote the line
        }
        entry.update({key: getattr(record, key) for key in FIELDS if hasattr(record, key)})
        if record.exc_info and record.exc_info[0] is not None:
            # The exception's type only: a traceback's frames can hold the request's text in local variables.
            entry["error_type"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(
    level: str = "INFO", log_file: Path | str | None = None, *, max_bytes: int = 10_000_000, backups: int = 5
) -> logging.Logger:
    """JSON lines to stderr and, if `log_file` is set, to a file rotated at `max_bytes` (keeping `backups`).

    Idempotent: calling it again (a second app in the same process) replaces the handlers instead of adding more.
    """
    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(log_file, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
        )
    for handler in handlers:
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
    logger.setLevel(level.upper())
    logger.propagate = False  # uvicorn's own (plain-text) handlers stay out of our JSON stream
    return logger


def parse_log_lines(lines: list[str] | str) -> list[dict]:
    """The JSON objects of a log (lines that are not JSON, e.g. uvicorn's own start-up lines, are skipped)."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    records = []
    for line in lines:
        line = line.strip()
        if line.startswith("{"):
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return records
