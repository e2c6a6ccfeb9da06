"""Write examples/demo/valdoria-today.warc.gz, the WARC part of the fictional demo corpus.

Every outlet, place and person in it is invented. Run from the repository root:

    python examples/make_warc.py

The generated file is committed, so running this is only needed after editing RECORDS.
It writes one ``warcinfo`` record, and per page a ``request`` and an HTML ``response`` record
(as a crawler would), plus one ``response`` that is not HTML (a robots.txt) which readers
should skip. Record dates are fixed so the output is reproducible apart from gzip framing.
"""

from __future__ import annotations

import html
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

OUT = Path(__file__).resolve().parent / "demo" / "valdoria-today.warc.gz"

# (url, outlet, title, published, paragraphs)
RECORDS = [('https://valdoriatoday.example/2026/03/15/port-averin-harbour-reopens',
  'Valdoria Today',
  'Port Averin harbour partly reopens as grain ships wait offshore',
  '2026-03-15T11:00:00+01:00',
  ["Part of Port Averin's harbour reopened on Sunday, a day after the earthquake that killed at "
   'least 12 people in the city, the port authority said, allowing three grain ships waiting '
   'offshore to berth at the undamaged eastern quay.',
   '"The eastern quay passed its inspection this morning. The old harbour and the grain terminal '
   'stay closed until the divers finish," said port authority spokesman Piet Ardel.',
   'Traders said the closure had already pushed up wheat prices on the Castel Arno exchange.',
   'Engineers found cracks in two of the six quay walls in the old harbour, Ardel said, and a '
   'crane had toppled onto a warehouse.',
   'Emergency funds announced by the government on Saturday will pay for temporary housing for '
   'about 1,500 residents whose homes were declared unsafe.']),
 ('https://valdoriatoday.example/2026/05/03/engineers-for-ostmark',
  'Valdoria Today',
  'Valdoria offers Ostmark engineers after Kestrel Valley quake',
  '2026-05-03T10:20:00+01:00',
  ["Valdoria offered on Sunday to send structural engineers to Ostmark's Kestrel Valley, where an "
   'earthquake on Saturday killed three people and damaged hundreds of farmhouses.',
   "Ostmark's interior ministry said it had accepted the offer and that the Valdorian team, 12 "
   'engineers from the Castel Arno technical university, would inspect schools and the Harrowmere '
   'dam.',
   '"Ostmark helped us in March. Our engineers learned a lot that we can now share," said '
   'Valdorian Interior Minister Clara Voss.',
   'The Ostmark Geological Survey said the valley had recorded more than 50 aftershocks since '
   'Saturday afternoon.']),
 ('https://averineveningpost.example/local/dockers-walk-out',
  'Averin Evening Post',
  'Port Averin dockworkers walk out over night-shift pay',
  '2026-02-20T18:45:00+01:00',
  ['About 2,000 dockworkers at Port Averin stopped work on Friday in a dispute over night-shift '
   "pay, halting container traffic at Valdoria's second-largest port, the Averin Dockers' Union "
   'said.',
   '"Night shifts have doubled since the grain terminal opened, and our pay has not moved in six '
   'years," union leader Rosa Kell told workers at the main gate.',
   'The port authority said it had offered a 4 percent rise and called the strike '
   '"disproportionate".',
   'The union said the strike would last 48 hours and that further action was possible next '
   'month.'])]


def page(url: str, outlet: str, title: str, published: str, paras: list[str]) -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras)
    esc = html.escape
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{esc(title)} - {esc(outlet)}</title>
<meta property="og:site_name" content="{esc(outlet)}">
<meta property="og:title" content="{esc(title)}">
<meta property="article:published_time" content="{published}">
<link rel="canonical" href="{url}">
</head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/opinion">Opinion</a> | <a href="/login">Log in</a></nav>
<main><article><h1>{esc(title)}</h1>
{body}
</article>
<div class="share">Share this article: Facebook | X | Email</div>
</main>
<footer>{esc(outlet)} is a fictional outlet of the newsfold demo corpus. &copy; 2026</footer>
</body></html>
"""


def main() -> None:
    with OUT.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        info = writer.create_warcinfo_record(
            "valdoria-today.warc.gz",
            {"software": "newsfold examples/make_warc.py", "description": "fictional demo crawl"},
        )
        info.rec_headers.replace_header("WARC-Date", "2026-05-03T10:19:00Z")
        writer.write_record(info)
        for url, outlet, title, published, paras in RECORDS:
            date = published[:19] + "Z"
            req = writer.create_warc_record(
                url, "request",
                payload=BytesIO(f"GET / HTTP/1.1\r\nHost: {url.split('/')[2]}\r\n\r\n".encode()),
                warc_headers_dict={"WARC-Date": date},
            )
            writer.write_record(req)
            payload = page(url, outlet, title, published, paras).encode("utf-8")
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            rec = writer.create_warc_record(
                url, "response", payload=BytesIO(payload), http_headers=headers,
                warc_headers_dict={"WARC-Date": date},
            )
            writer.write_record(rec)
        robots = StatusAndHeaders("200 OK", [("Content-Type", "text/plain")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            "https://valdoriatoday.example/robots.txt", "response",
            payload=BytesIO(b"User-agent: *\nDisallow:\n"), http_headers=robots,
            warc_headers_dict={"WARC-Date": "2026-05-03T10:21:00Z"},
        ))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
