"""`newsfold cluster INPUT.jsonl -o OUT.jsonl --mode stream|batch`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from newsfold.ingest import rows
from newsfold.model import Article

#: Fields a clusterer must never see (gold labels and label-derived partitions).
GOLD_FIELDS = ("cluster", "topic", "split", "story_gold", "label")


def article_from_row(row: dict, position: int, hide: tuple[str, ...] = ()) -> Article:
    """One JSONL object -> Article, with gold fields (and ``hide``) dropped and `date` read as
    `published`."""
    return rows.article_from_row(row, position, hide=GOLD_FIELDS + tuple(hide))


def read_jsonl(path: Path) -> tuple[list[Article], list[str]]:
    """Articles from a JSONL file (gold fields dropped) and the problems met on the way."""
    arts, _, problems = rows.read_article_rows(path, hide=GOLD_FIELDS)
    return arts, problems


def not_an_article(article: Article) -> Optional[str]:
    """What kind of page a row is when it holds no article (a web archive's crawl notice, a
    social-media embed notice, a bot check, an error or consent page:
    :func:`newsfold.clean.boilerplate.placeholder_page`), else None. `newsfold run` drops such
    pages at cleaning; the stage commands, which take texts as given, must not cluster them
    either: identical across unrelated stories, they joined those stories together."""
    from newsfold.clean.boilerplate import placeholder_page

    return placeholder_page(article.text)


def cluster_articles(articles: list[Article], mode: str = "batch", config=None) -> list:
    """Cluster in place (``article.story``). A row that holds no article
    (:func:`not_an_article`) is left out: its ``story`` stays None."""
    from newsfold.cluster.stream import cluster_batch, cluster_stream

    if mode not in ("batch", "stream"):
        raise ValueError(f"unknown mode {mode!r} (stream or batch)")
    kept = [a for a in articles if not not_an_article(a)]
    for a in articles:
        a.story = None
    if mode == "batch":
        return cluster_batch(kept, config=config)
    return cluster_stream(kept, config=config).stories()


def cluster_command(input: Path, output: Path, mode: str = "batch", config=None) -> None:
    import sys

    articles, problems = read_jsonl(Path(input))
    for p in problems:
        print(p, file=sys.stderr)
    stories = cluster_articles(articles, mode=mode, config=config)
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    skipped = 0
    with open(out, "w", encoding="utf-8") as fh:
        for art in articles:
            line = {"id": art.id, "story": art.story}
            kind = not_an_article(art) if art.story is None else None
            if kind:
                line["not_an_article"] = kind
                skipped += 1
                print(f"{input}:{art.position}: {art.id}: holds no article ({kind} page): "
                      "not clustered (story null)", file=sys.stderr)
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{len(articles) - skipped} articles -> {len(stories)} stories ({mode}) -> {out}"
          + (f"; {skipped} rows held no article" if skipped else ""), file=sys.stderr)
