"""A JSONL corpus whose texts stay in the file, for `newsfold dedup` at scale.

One pass over the file parses every line (the same rules and the same error records as
:func:`newsfold.ingest.rows.read_article_rows`) and keeps, per article, only the byte offset
and length of its line (two numpy arrays, 12 B) and the few small fields fold reads (id,
source, published, wire, first_seen: repeated values interned) in a slotted
:class:`ArticleRecord`, which fold also writes its results onto. ``texts[i]`` re-reads line i
with ``os.pread`` and returns its text, so nothing holds all the texts: at 1M articles the
texts are ~5 GB, the records ~0.2 GB.

``os.pread`` and not ``mmap``: mapped file pages count as the process's resident memory.
``pread`` takes an explicit offset, so forked worker processes read through the inherited
descriptor at the same time without sharing a file position (:meth:`CorpusTexts.read_many`,
:meth:`CorpusTexts.read_range`: fold's workers read their own chunks).
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import Iterable, Iterator, Optional

import numpy as np

from newsfold.clean.metadata import domain
from newsfold.ingest.common import json_loads
from newsfold.ingest.jsonl import bundle_articles
from newsfold.ingest.rows import field_problems, json_lines, row_text, row_times, text_fields_only


class ArticleRecord:
    """What fold reads of an article (id, source, published, wire, first_seen) and what it
    writes (family, origin, relation, similarity, reason, added, dropped), in slots: ~120 B
    instead of an :class:`~newsfold.model.Article` with its dicts and lists (~1 KB)."""

    __slots__ = ("id", "position", "source", "published", "wire", "first_seen",
                 "family", "origin", "relation", "similarity", "reason", "added", "dropped")

    #: rows never carry clean-stage removals (``removed`` is not a row field fold reads)
    removed: tuple = ()

    def __init__(self, id: str, position: int, source=None, published: Optional[str] = None, wire=None,
                 first_seen=None):
        self.id, self.position, self.source, self.published = id, position, source, published
        self.wire, self.first_seen = wire, first_seen
        self.family = self.origin = self.reason = None
        self.relation = "original"
        self.similarity = None
        self.added = self.dropped = None

    def __repr__(self) -> str:
        return f"ArticleRecord(id={self.id!r}, family={self.family!r}, relation={self.relation!r})"


class CorpusTexts(Sequence):
    """The texts of a :class:`JsonlCorpus`, read from the file on demand (``os.pread``)."""

    #: fold's workers may read these themselves (nothing of the parent's heap is touched)
    read_in_workers = True

    def __init__(self, path: Path, offsets: np.ndarray, lengths: np.ndarray, hide: tuple) -> None:
        self.path = Path(path)
        self.offsets, self.lengths, self.hide = offsets, lengths, hide
        self._fd: Optional[int] = None

    def _desc(self) -> int:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDONLY)
        return self._fd

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:  # pragma: no cover - interpreter shutdown order
        try:
            self.close()
        except Exception:
            pass

    def __reduce__(self):  # pickled: reopened by path in the other process
        return (CorpusTexts, (self.path, self.offsets, self.lengths, self.hide))

    def __len__(self) -> int:
        return len(self.offsets)

    def _text(self, raw: bytes) -> str:
        row = json_loads(raw.decode("utf-8", errors="replace"))
        if self.hide:
            row = {k: v for k, v in row.items() if k not in self.hide}
        return row_text(row)

    def _read(self, off: int, n: int) -> bytes:
        fd = self._desc()
        buf = os.pread(fd, n, off)
        while len(buf) < n:  # pread may return less than asked (large reads)
            more = os.pread(fd, n - len(buf), off + len(buf))
            if not more:
                raise OSError(f"{self.path}: file shorter than when it was indexed")
            buf += more
        return buf

    def __getitem__(self, i):
        if isinstance(i, slice):
            s, e, step = i.indices(len(self))
            return self.read_range(s, e) if step == 1 else self.read_many(range(s, e, step))
        i = int(i)
        if i < 0:
            i += len(self)
        return self._text(self._read(int(self.offsets[i]), int(self.lengths[i])))

    def __iter__(self) -> Iterator[str]:
        for s in range(0, len(self), 1024):
            yield from self.read_range(s, min(s + 1024, len(self)))

    def read_range(self, s: int, e: int) -> list[str]:
        """Texts s..e-1, from one read of the bytes their lines span."""
        if e <= s:
            return []
        base = int(self.offsets[s])
        end = int(self.offsets[e - 1]) + int(self.lengths[e - 1])
        if end - base > (64 << 20):  # not one huge buffer: in pieces
            mid = (s + e) // 2
            return self.read_range(s, mid) + self.read_range(mid, e)
        buf = self._read(base, end - base)
        offs = (self.offsets[s:e] - base).tolist()
        lens = self.lengths[s:e].tolist()
        return [self._text(buf[o : o + n]) for o, n in zip(offs, lens)]

    def read_many(self, idx: Iterable[int]) -> list[str]:
        """Texts of these articles, in the order given (read in file order)."""
        idx = list(idx)
        out: list = [None] * len(idx)
        for k in sorted(range(len(idx)), key=lambda k: idx[k]):
            out[k] = self[idx[k]]
        return out


class JsonlCorpus:
    """The articles of a JSONL file: ``records`` (:class:`ArticleRecord`, in file order) and
    ``texts`` (:class:`CorpusTexts`, aligned with them, read from the file on demand).
    ``problems``: ``path:line: skipped: why`` of each line that is not a JSON object (never a
    stop) and ``path:line: kept: why`` of each line kept with its undecodable bytes replaced,
    as :func:`~newsfold.ingest.rows.read_article_rows` reports them. ``hide``: row fields never read (gold labels)."""

    def __init__(self, path: Path | str, *, hide: Iterable[str] = ()) -> None:
        self.path = Path(path)
        self.hide = tuple(hide)
        self.problems: list[str] = []
        self.records: list[ArticleRecord] = []
        offsets = array("q")
        lengths = array("q")
        hidden = set(self.hide)
        intern: dict = {}

        def small(v):
            """A repeated small value kept once (outlet names, dates, wire credits)."""
            return intern.setdefault(v, v) if type(v) is str else v

        with open(self.path, "rb") as fh:
            for n, off, length, row, note in json_lines(fh):
                if note:
                    self.problems.append(f"{self.path}:{n}: {note}")
                if row is None:
                    continue
                docs = bundle_articles(row, n)
                if docs is not None:  # one byte range per line is all a record keeps
                    self.problems.append(
                        f"{self.path}:{n}: skipped: the line holds a bundle of {len(docs)} articles; "
                        "newsfold dedup reads one article per line (newsfold run reads bundles)")
                    continue
                if hidden:
                    row = {k: v for k, v in row.items() if k not in hidden}
                # the field rules of rows.article_from_row
                self.problems.extend(f"{self.path}:{n}: kept: {why}" for why in field_problems(row))
                row = text_fields_only(row)
                aid = str(row.get("id", None) or f"line-{n}")
                published, first_seen = row_times(row.get("published", None) or row.get("date", None),
                                                  row.get("first_seen"))
                # (the outlet fold groups boilerplate by: the source, else the URL's host,
                # as families.outlet_of reads an Article)
                self.records.append(ArticleRecord(
                    aid, n, small(row.get("source") or domain(row.get("url"))), small(published),
                    small(row.get("wire")), small(first_seen)))
                offsets.append(off)
                lengths.append(length)
        self.texts = CorpusTexts(self.path, np.frombuffer(offsets, dtype=np.int64).copy(),
                                 np.frombuffer(lengths, dtype=np.int64).copy(), self.hide)

    def __len__(self) -> int:
        return len(self.records)

    def close(self) -> None:
        self.texts.close()
