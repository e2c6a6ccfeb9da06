"""newsfold from Python, on the fictional demo corpus.

    python examples/python_api.py [PATH ...] [--out DIR]

1. ``newsfold.run.run`` does what ``newsfold run`` does and returns a ``RunResult``;
   ``newsfold.report.write_outputs`` writes stories.json, errors.jsonl and report.html.
2. ``newsfold.Engine`` keeps a store and grows it article by article (the streaming
   pipeline), then answers questions about stories, as the JSON API does.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newsfold import Engine
from newsfold.config import Config
from newsfold.report import write_outputs
from newsfold.run import run

DEMO = Path(__file__).resolve().parent / "demo"


def batch(paths: list[str], out: Path) -> None:
    result = run(paths, config=Config(progress=False))
    files = write_outputs(result, out)
    print(f"{len(result.articles)} articles, {len(result.stories)} stories, {len(result.errors)} errors")
    by_id = {a.id: a for a in result.articles}
    for story in sorted(result.stories, key=lambda s: -s.sources.get("independent", 0)):
        src = story.sources
        print(f"\n* {story.title}\n  {src.get('articles')} articles -> {src.get('outlets')} outlets "
              f"-> {src.get('independent')} independent origins")
        for aid in story.articles:
            a = by_id[aid]
            if a.relation != "original":
                print(f"  - {a.relation:<11} {a.source or a.id} (of {a.origin})")
                for added in a.added[:2]:
                    print(f"      added: {added[:100]}")
        for claim in story.claims:
            if claim.status == "conflicting":
                values = ", ".join(f"{v['value']} ({len(v['articles'])} art.)" for v in claim.values)
                print(f"  ! conflicting: {claim.text[:80]} -> {values}")
    for err in result.errors:
        print(f"error: {err.path} @ {err.position}: {err.reason}")
    print(f"\nreport: {files['report']}")


def streaming(paths: list[str]) -> None:
    with Engine(db=":memory:") as eng:
        touched = eng.ingest(paths)
        print(f"\nEngine: ingest touched {len(touched)} stories")
        for story in eng.stories(limit=3):
            titles = [a.title for a in eng.articles(story.id)]
            print(f"  {story.id}: {story.title!r} ({len(titles)} articles)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="*", default=[str(DEMO)])
    ap.add_argument("--out", type=Path, default=Path("out"))
    args = ap.parse_args()
    batch(args.paths, args.out)
    streaming(args.paths)


if __name__ == "__main__":
    main()
