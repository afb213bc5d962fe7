"""Opening a store file safely: recognise it before writing a single byte.

A file is first inspected read-only (its header, then ``application_id``, ``user_version`` and
``PRAGMA quick_check`` through a ``mode=ro`` connection). Only a cus_match store of this or an
older schema version, or an empty file, is then opened for writing; anything else raises
:class:`~cus_match.store.errors.StoreError` naming the file and leaves it untouched.

Examples
--------
>>> import pathlib, tempfile
>>> bad = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
>>> _ = bad.write_text("shopping list")
>>> try:
...     connect(bad)
... except StoreError as e:
...     print(e.message)
is not an SQLite database, so not a cus_match history store (left unchanged)
>>> bad.read_text()
'shopping list'
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from cus_match.store import schema as _schema
from cus_match.store.errors import StoreError

__all__ = ["connect", "inspect"]

_SQLITE_MAGIC = b"SQLite format 3\x00"


def _latest() -> int:
    # Read at call time, so a migration appended to schema.MIGRATIONS is picked up.
    return _schema.MIGRATIONS[-1].version


def _ro_uri(path: Path) -> str:
    return f"file:{quote(str(path.resolve()))}?mode=ro"


def inspect(path: Path) -> int:
    """Check, without writing, that ``path`` can be opened as a store; return its version.

    Returns 0 for a missing or empty file and for an SQLite database with no tables (a fresh
    file to initialise); otherwise the schema version of a cus_match store not newer than
    this library's.

    Raises
    ------
    StoreError
        The file is a directory, not SQLite, SQLite but not a cus_match store, a store of a
        newer schema version, damaged, read-only, or in a read-only folder.
    """
    if path.is_dir():
        raise StoreError(path, "is a directory, not a history store file")
    _check_writable(path)
    if not path.exists():
        return 0
    size = path.stat().st_size
    if size == 0:
        return 0
    with path.open("rb") as f:
        head = f.read(len(_SQLITE_MAGIC))
    if head != _SQLITE_MAGIC:
        raise StoreError(path, "is not an SQLite database, so not a cus_match history store "
                               "(left unchanged)")
    try:
        conn = sqlite3.connect(_ro_uri(path), uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if app_id == _schema.APPLICATION_ID and version <= _latest():
                check = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
            else:
                check = ["ok"]
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise StoreError(path, f"is damaged or not a database ({e}); left unchanged") from e
    if app_id == 0 and version == 0 and tables == 0:
        return 0
    if app_id != _schema.APPLICATION_ID:
        raise StoreError(path, f"is an SQLite database but not a cus_match history store "
                               f"(application id {app_id:#x}, {tables} schema objects); "
                               "left unchanged")
    if version > _latest():
        raise StoreError(path, f"was written by a newer cus_match (store schema version "
                               f"{version}; this version reads up to {_latest()}); "
                               "upgrade cus_match to open it. Left unchanged")
    if check != ["ok"]:
        raise StoreError(path, "is damaged (integrity check: " + "; ".join(check)
                               + "); left unchanged. Restore it from a backup")
    return int(version)


def _check_writable(path: Path) -> None:
    """Refuse a store SQLite could not write: it would fail later as "damaged" or "locked".

    A store is opened for writing, in WAL mode, which also creates ``-wal`` and ``-shm`` files
    beside it: the folder must be writable as well as the file.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if folder.is_dir() and not os.access(folder, os.W_OK):
        raise StoreError(path, f"is in a read-only folder ({folder}): cus-match cannot write "
                               "the store there. Copy it to a folder you can write to")
    if path.exists() and not os.access(path, os.W_OK):
        raise StoreError(path, "is a read-only file: cus-match cannot write the store. Make it "
                               "writable or copy it")


def connect(path: str | Path, *, busy_timeout: float = 10.0, create: bool = True
            ) -> sqlite3.Connection:
    """Open (creating or upgrading if needed) the store at ``path``; return a connection.

    The connection is in autocommit mode (``isolation_level=None``): every write is one
    explicit ``BEGIN IMMEDIATE ... COMMIT`` transaction. The file is in WAL mode, with a busy
    timeout, so several processes may read and write it at once.

    Parameters
    ----------
    path : str or Path
        The store file; ``":memory:"`` for a throw-away store in memory.
    busy_timeout : float
        Seconds to wait for another process's write lock before giving up.
    create : bool
        Create the file if it does not exist (otherwise raise).

    Raises
    ------
    StoreError
        See :func:`inspect`; also when the file does not exist and ``create`` is false.
    """
    if str(path) == ":memory:":
        # A throw-away store in memory (examples, tests): nothing to inspect, no WAL.
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.execute("PRAGMA foreign_keys = ON")
        _upgrade(conn, Path(":memory:"))
        return conn
    path = Path(path)
    if not create and not path.exists():
        raise StoreError(path, "no such history store")
    version = inspect(path)
    try:
        conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    except sqlite3.Error as e:
        raise StoreError(path, f"cannot be opened ({e})") from e
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        # Deleted and overwritten content is zeroed, so an erased person does not linger in
        # free pages of the file (RODO art. 17).
        conn.execute("PRAGMA secure_delete = ON")
        if version < _latest():
            _upgrade(conn, path)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(path, f"cannot switch to WAL journal mode (got {mode!r})")
    except sqlite3.Error as e:
        conn.close()
        raise StoreError(path, f"cannot be opened ({e})") from e
    except BaseException:
        conn.close()
        raise
    return conn


def _upgrade(conn: sqlite3.Connection, path: Path) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have initialised or upgraded the file since inspect(): decide
        # again under the write lock.
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        fresh = app_id == 0 and version == 0 and tables == 0
        if not fresh and app_id != _schema.APPLICATION_ID:
            raise StoreError(path, "is not a cus_match history store (left unchanged)")
        if version > _latest():
            raise StoreError(path, f"was written by a newer cus_match (store schema version "
                                   f"{version}); left unchanged")
        if version < _latest():
            _schema.apply_migrations(conn, version, _schema.MIGRATIONS)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
