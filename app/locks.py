"""A lock per key, held until the current database transaction ends.

``hold(key)`` is one upsert on the key's row in ``row_locks``. On PostgreSQL it takes that
row's lock; on SQLite the write takes the database's write lock. Either way a second request
that holds the same key waits until the first commits or rolls back, whichever process it runs
in — so "count, then act" on that key cannot interleave (e.g. SMS sends to one number).
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import RowLock


def hold(key: str) -> None:
    """Take the lock of ``key`` for the rest of the current transaction."""
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    statement = insert(RowLock).values(key=key[:120], taken=1)
    db.session.execute(statement.on_conflict_do_update(index_elements=["key"], set_={"taken": RowLock.taken + 1}))
