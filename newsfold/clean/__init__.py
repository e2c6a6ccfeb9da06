"""Cleaning: RawRecord -> Article (boilerplate removed, metadata extracted).

Contract::

    clean_records(records, *, config=None) -> Iterator[Article | ErrorRecord]
    clean_record(record, *, config=None) -> tuple[Article | None, list[ErrorRecord]]

Every removed span is kept in ``Article.removed`` as ``{"text", "rule"}``. An item that
still yields an article but has a problem (e.g. unparseable date) yields the Article *and*
an ErrorRecord with ``article_id`` set. ErrorRecords passed in are passed through.
"""

from newsfold.clean.pipeline import clean_record, clean_records  # noqa: F401
