"""Storage behind one interface: SQLite (default, one file) and PostgreSQL.

    open_store("newsfold.db")                 # SQLite file
    open_store(":memory:")                    # SQLite in memory
    open_store("postgresql://user@host/db")   # PostgreSQL (extra: newsfold[postgres])
"""

from newsfold.store.base import Store, open_store  # noqa: F401
