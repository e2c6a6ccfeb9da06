"""Helpers shared by the readers: decoding, sniffing, stable ids."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Optional
from urllib.parse import urlsplit

from newsfold.model import ErrorRecord, content_hash

#: bytes examined when sniffing a file's kind
SNIFF_BYTES = 4096

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)["']""", re.I)
_SLUG_STRIP = re.compile(r"[^a-z0-9]+")
_HTML_HINT = re.compile(
    r"<(?:!doctype\s+html|html|head|body|article|div|p|meta|title|script|section|span)\b", re.I
)
_PAGE_HINT = re.compile(r"<(?:!doctype\s+html|html|body)\b", re.I)
_FEED_HINT = re.compile(r"<(?:rss|feed|rdf:RDF)\b", re.I)
_UNKNOWN_ENCODINGS = ("utf-8", "utf8")
_LATIN1_LABELS = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "windows-1252"}


#: a "\\uD800"-"\\uDFFF" escape in JSON text (the only way a lone surrogate gets in)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def json_loads(text: str, notes: Optional[list] = None) -> Any:
    """``json.loads`` for untrusted input. Raises only ``ValueError`` (``json.JSONDecodeError``
    is one): JSON nested too deeply for the parser is one too, not a ``RecursionError`` that
    would end the file's reading. Lone UTF-16 surrogates (a ``"\\ud800"`` escape without its
    pair: valid JSON, but no UTF-8 encoding exists for it, so hashing and storing the text
    failed) become U+FFFD, and ``notes`` (when given) is told so. A leading byte-order mark is
    passed over."""
    if text[:1] == "\ufeff":  # a byte-order mark, as the first line of a file may carry
        text = text[1:]
    try:
        obj = json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if _SURROGATE_ESCAPE.search(text):
        fixed = _no_surrogates(obj)
        if notes is not None and fixed != obj:
            notes.append("lone UTF-16 surrogate escape (\\ud800-\\udfff without its pair) replaced with U+FFFD")
        obj = fixed
    return obj


def _no_surrogates(obj: Any) -> Any:
    if isinstance(obj, str):
        return _SURROGATE.sub("\ufffd", obj)
    if isinstance(obj, dict):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_no_surrogates(v) for v in obj]
    return obj


_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def is_binary(data: bytes) -> bool:
    """NUL bytes, or mostly control characters, in the first bytes: not text."""
    head = data[:SNIFF_BYTES]
    if not head:
        return False
    if b"\x00" in head:
        return True
    ctrl = len(head) - len(head.translate(None, _CONTROL))
    return ctrl / len(head) > 0.10


def decode(
    data: bytes, *, path: str, position=None, declared: Optional[str] = None
) -> tuple[str, Optional[ErrorRecord]]:
    """Decode bytes as UTF-8 (BOM allowed). Not silent on failure.

    Bytes that are not UTF-8 are decoded with the charset the document (or its HTTP header)
    declares, silently, since that is what it says it is. Otherwise they are decoded as
    Windows-1252, else with replacement characters, and an ``encoding`` ErrorRecord says so
    (the article is kept, nothing is lost).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    head = data[:SNIFF_BYTES]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    enc = declared.lower() if declared else (m.group(1).decode("ascii", "replace").lower() if m else None)
    if enc:
        if enc not in _UNKNOWN_ENCODINGS:
            # as browsers do (WHATWG): a Latin-1 or ASCII label means Windows-1252
            candidates = ("cp1252", enc) if enc in _LATIN1_LABELS else (enc,)
            for cand in candidates:
                try:
                    return data.decode(cand), None
                except (LookupError, UnicodeDecodeError):
                    continue
            try:
                return data.decode(enc), None  # the document said what it is, and it is
            except (LookupError, UnicodeDecodeError):
                pass
    try:
        # the usual mislabelled legacy encoding of western news pages
        text = data.decode("cp1252")
        return text, ErrorRecord(
            path=path,
            position=position,
            reason=f"invalid UTF-8 at byte {bad_at}; decoded as Windows-1252 instead",
            kind="encoding",
        )
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    return text, ErrorRecord(
        path=path,
        position=position,
        reason=f"invalid UTF-8 at byte {bad_at}; bad bytes replaced with U+FFFD",
        kind="encoding",
    )


def sniff(data: bytes) -> str:
    """Guess the format of a byte string: warc, jsonl, rss, html or text."""
    head = data[:SNIFF_BYTES]
    if head.startswith(b"\x1f\x8b") or head.startswith(b"WARC/"):
        return "warc"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    text = stripped.decode("utf-8", errors="replace")
    if text.startswith("{"):
        return "jsonl"
    if _FEED_HINT.search(text[:1000]):
        return "rss"
    if text.startswith("<") and _HTML_HINT.search(text):
        return "html"
    if _PAGE_HINT.search(text[:2000]):
        return "html"
    return "text"


def url_id(url: str) -> str:
    """A stable, readable id from a URL: ``domain-last-path-segment_hash8``."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    segs = [s for s in parts.path.split("/") if s]
    last = segs[-1] if segs else ""
    last = re.sub(r"\.(?:s?html?|php|aspx?|jsp)$", "", last, flags=re.I)
    slug = _SLUG_STRIP.sub("-", f"{host} {last}".lower()).strip("-")[:60].strip("-")
    digest = hashlib.blake2b(url.strip().encode("utf-8"), digest_size=4).hexdigest()
    return f"{slug}_{digest}" if slug else f"u_{digest}"


def hash_id(text: str) -> str:
    return "h_" + content_hash(text)[:16]
