"""Readers: files, folders (recursive) and ``-`` (stdin) -> RawRecord | ErrorRecord.

Contract::

    read_paths(paths, *, config=None, stdin=None) -> Iterator[RawRecord | ErrorRecord]

Formats by extension and sniffing: text (``.txt``, the seed format), HTML (``.html``,
``.htm``), JSONL (``.jsonl``, ``.ndjson``), WARC (``.warc``, ``.warc.gz``), RSS/Atom
(``.rss``, ``.atom``, ``.xml`` that parses as a feed). Every bad item yields one
ErrorRecord (path, position, reason, kind) and reading goes on. Article ids are stable:
text file -> file name without extension; JSONL -> its ``id`` field (else URL, else content
hash); WARC/RSS -> URL-derived, else content hash.
"""

from newsfold.ingest.readers import read_paths  # noqa: F401
