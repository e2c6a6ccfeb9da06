"""HTML pages: read as documents; extraction (trafilatura) happens in newsfold.clean."""

from __future__ import annotations

from functools import partial

from newsfold.ingest.text import read_document

read_html = partial(read_document, format="html")
