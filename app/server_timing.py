"""Where a request's time goes, in a ``Server-Timing`` header (``FINCERT_SERVER_TIMING=1``).

    Server-Timing: app;dur=12.4, cpu;dur=3.1, db;dur=1.2, lock;dur=8.0

``app`` is the request's wall time in the app, ``cpu`` the CPU time of the thread that served
it, ``db`` the time spent in SQL statements and commits, ``lock`` the part of it spent waiting
for the database (SQLite's write lock, PostgreSQL's row locks): the statements' and commits'
wall time minus their CPU time. bench/load.py reads it to say what a slow step waits for.
Off by default: durations are of no use to visitors and some of them would tell timing apart.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, Response, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.extensions import db


def _started(_conn: Any, *_args: Any) -> None:
    if g:
        g.timing_sql_start = (time.perf_counter(), time.thread_time())


def _ended(_conn: Any, *_args: Any) -> None:
    start = g.get("timing_sql_start") if g else None
    if start is None:
        return
    wall, cpu = time.perf_counter() - start[0], time.thread_time() - start[1]
    g.timing_db = g.get("timing_db", 0.0) + wall
    g.timing_lock = g.get("timing_lock", 0.0) + max(0.0, wall - cpu)
    g.timing_sql_start = None


def init_app(app: Flask) -> None:
    if not app.config.get("SERVER_TIMING"):
        return

    @app.before_request
    def start_timing() -> None:
        g.timing_start = (time.perf_counter(), time.thread_time())

    @app.after_request
    def report_timing(response: Response) -> Response:
        started = g.get("timing_start")
        if started is not None:
            wall = (time.perf_counter() - started[0]) * 1000
            cpu = (time.thread_time() - started[1]) * 1000
            response.headers["Server-Timing"] = (
                f"app;dur={wall:.2f}, cpu;dur={cpu:.2f}, db;dur={g.get('timing_db', 0.0) * 1000:.2f}, "
                f"lock;dur={g.get('timing_lock', 0.0) * 1000:.2f}"
            )
        return response

    with app.app_context():
        engine = db.engine
    _listen(engine)


def _listen(engine: Engine) -> None:
    if event.contains(engine, "before_cursor_execute", _started):
        return
    event.listen(engine, "before_cursor_execute", _started)
    event.listen(engine, "after_cursor_execute", _ended)
    # A commit (from just before the driver's commit to the session's after_commit) waits for the
    # disk, and on SQLite for nothing else: the write lock was taken by the first write.
    event.listen(engine, "commit", _started)
    if not event.contains(Session, "after_commit", _ended):
        event.listen(Session, "after_commit", _ended)
