"""The local executor: every stage in this process, SQLite by default."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from typing import Optional, Sequence

from newsfold import stages
from newsfold.config import Config
from newsfold.model import Article, ErrorRecord, RunResult
from newsfold.store import Store, open_store


def run_local(
    paths: Sequence[str],
    *,
    config: Optional[Config] = None,
    store: Optional[Store] = None,
    stdin=None,
) -> RunResult:
    """Ingest ``paths`` into ``store`` and recompute families, stories and analysis.

    The result covers every article in the store (a store is a corpus that grows run by
    run); articles already stored (same id or same content) are not stored twice.
    """
    config = config or Config()
    own_store = store is None
    store = store or open_store(None)
    try:
        with _progress(config) as progress:
            task = progress.add_task("ingest", total=None) if progress else None
            articles: list[Article] = []
            errors: list[ErrorRecord] = []
            for item in stages.ingest_and_clean(paths, config=config, stdin=stdin):
                if isinstance(item, ErrorRecord):
                    errors.append(item)
                else:
                    articles.append(item)
                if progress:
                    progress.advance(task)
            errors += stages.reused_ids(store, articles)
            added = store.add_articles(articles)
            store.add_errors(errors)
            result = finish(store, errors, config=config, progress=progress)
            result.stats = {**run_stats(len(articles), len(added)), **result.stats}
            return result
    finally:
        if own_store:
            store.close()


def finish(store: Store, errors: list[ErrorRecord], *, config: Config, progress=None) -> RunResult:
    """Fold, cluster and analyse everything in the store; save and return the result."""
    corpus = list(store.iter_articles())
    step = _stepper(progress)
    stages.strip_batch_boilerplate(corpus, config=config)
    step("fold copies")
    families = stages.fold_families(corpus, config=config)
    step("cluster stories")
    stories = stages.cluster_stories(corpus, config=config)
    stages.attach_families(stories, families)
    step("analyse stories")
    reuse = stages.AnalysisReuse(store) if config.reuse_analysis else None
    failed: list[ErrorRecord] = []
    stories = stages.analyze_stories(stories, corpus, config=config, reuse=reuse, errors=failed,
                                     mention_store=store)
    store.add_errors(failed)
    errors = list(errors) + failed
    store.update_articles(corpus)
    store.put_stories(stories, replace_all=True)
    stages.forget_stream_state(store)
    if reuse is not None:
        reuse.save()
    result = RunResult(articles=corpus, stories=stories, errors=errors)
    result.stats["analyses_reused"] = reuse.reused if reuse is not None else 0
    return result


def run_stats(read: int, added: int) -> dict[str, int]:
    """What a run did with what it read: articles already stored (same id, or the same body
    from the same outlet) are skipped, not lost: the stored copy stands for them."""
    return {"read": read, "added": added, "already_stored": read - added}


def _stepper(progress):
    def step(name: str) -> None:
        if progress:
            progress.add_task(name, total=None)

    return step


def _progress(config: Config):
    """A rich progress display on stderr, only when stderr is a terminal."""
    if not (config.progress and sys.stderr.isatty()):
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed} items"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
