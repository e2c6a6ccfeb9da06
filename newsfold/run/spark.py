"""The Spark executor: the same stage functions as ``run_local``, scheduled on PySpark.

What runs where (docs/scaling.md has the long version)::

    driver     list input files (same order as the local reader), read stdin
    executors  read + clean each file            (mapPartitions over file paths)
    driver     replay the reader's id rules, store new articles and errors
    driver     fold copy families (signatures need a corpus-wide boilerplate mask first),
               cluster stories (sequential by nature)
    executors  analysis: stages.analyze_group per task of whole stories (mapPartitions), spaCy
               mentions a store kept read on the driver and sent with each task, new ones stored
    driver     save articles and stories, return the RunResult

The result is the one ``run_local`` gives on the same inputs and store (tested in
tests/test_spark.py). Needs ``pip install newsfold[spark]`` and Java 17+.

The Spark master comes from ``NEWSFOLD_SPARK_MASTER`` (default ``local[2]``); driver memory
from ``NEWSFOLD_SPARK_DRIVER_MEMORY`` (default ``1g``). When a SparkSession is already
active (a notebook, a test module, ``spark-submit``) it is used and left running.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

from newsfold import stages
from newsfold.config import Config
from newsfold.model import Article, ErrorRecord, RawRecord, RunResult, Story, content_hash
from newsfold.run.local import run_stats
from newsfold.store import Store, open_store

_LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""


def spark_session(master: Optional[str] = None, *, app_name: str = "newsfold"):
    """A quiet SparkSession for newsfold (local[2], no UI, small driver memory).

    Returns the active session if there is one.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("the Spark executor needs PySpark: pip install 'newsfold[spark]'") from exc
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise RuntimeError(
            "the Spark executor needs Java 17+ (no `java` on PATH and JAVA_HOME unset); "
            "install a JRE (e.g. apt-get install openjdk-17-jre-headless) or use --executor local"
        )
    # executors must run this interpreter (with newsfold and its dependencies installed)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    log_conf = Path(tempfile.gettempdir()) / "newsfold-spark-log4j2.properties"
    if not log_conf.exists():
        log_conf.write_text(_LOG4J)
    master = master or os.environ.get("NEWSFOLD_SPARK_MASTER", "local[2]")
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", os.environ.get("NEWSFOLD_SPARK_DRIVER_MEMORY", "1g"))
        # read/cleaned articles and analysed stories come back to the driver: driver memory,
        # not Spark's 1g result cap, is the bound
        .config("spark.driver.maxResultSize", os.environ.get("NEWSFOLD_SPARK_MAX_RESULT", "0"))
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log_conf}")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.python.worker.reuse", "true")
    )
    if master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run_spark(
    paths: Sequence[str],
    *,
    config: Optional[Config] = None,
    store: Optional[Store] = None,
    stdin=None,
) -> RunResult:
    """Ingest ``paths`` into ``store`` and recompute families, stories and analysis on Spark."""
    config = config or Config()
    own_store = store is None
    store = store or open_store(None)
    from pyspark.sql import SparkSession

    owned_session = SparkSession.getActiveSession() is None
    spark = spark_session()
    try:
        sc = spark.sparkContext
        articles, errors = _ingest(sc, paths, config=config, stdin=stdin)
        errors += stages.reused_ids(store, articles)
        added = store.add_articles(articles)
        store.add_errors(errors)
        result = _finish(sc, store, errors, config=config)
        result.stats = {**run_stats(len(articles), len(added)), **result.stats}
        return result
    finally:
        if owned_session:
            spark.stop()
        if own_store:
            store.close()


# ---------------------------------------------------------------------- ingest + clean


def _inputs(paths: Sequence[str] | str) -> list[tuple[str, str]]:
    """The reader's traversal, on the driver: [("file", path) | ("stdin", "-") | ("missing", p)]."""
    from newsfold.ingest import readers

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    walk = getattr(readers, "_walk", None) or _walk
    out: list[tuple[str, str]] = []
    for p in paths:
        p = str(p)
        if p == "-":
            out.append(("stdin", p))
            continue
        path = Path(p)
        if path.is_dir():
            out.extend(("file", str(f)) for f in walk(path))
        elif path.exists():
            out.append(("file", p))
        else:
            out.append(("missing", p))
    return out


def _walk(folder: Path) -> Iterator[Path]:  # pragma: no cover - fallback only
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def _entries(items: Iterable[RawRecord | ErrorRecord], config: Config, *, path: str = "") -> list[tuple]:
    """Clean each raw record on its own; keep what the reader's id rules need.

    Entries: ("error", ErrorRecord) or ("record", id, raw content hash, path, position,
    cleaned items). A reader or cleaner that raises on one input costs that input an
    ``internal_error`` record, not the whole Spark job (what was read before is kept).
    """
    out: list[tuple] = []
    it = iter(items)
    while True:
        try:
            item = next(it)
        except StopIteration:
            return out
        except Exception as exc:  # a reader bug: report it, keep the rest of the run
            out.append(("error", ErrorRecord(
                path=path, position=None, stage="ingest", kind="internal_error",
                reason=f"reading stopped: {type(exc).__name__}: {exc}",
            )))
            return out
        if isinstance(item, ErrorRecord):
            out.append(("error", item))
            continue
        try:
            cleaned = stages.clean_batch([item], config=config)
        except Exception as exc:
            cleaned = [ErrorRecord(
                path=item.path, position=item.position, stage="clean", kind="internal_error",
                reason=f"cleaning failed: {type(exc).__name__}: {exc}",
            )]
        out.append(("record", item.id, content_hash(item.content), item.path, item.position, cleaned))


def _read_partition(config: Config):
    def read(part: Iterator[tuple[int, str]]) -> Iterator[tuple[int, list[tuple]]]:
        from newsfold.ingest.readers import read_file

        for index, path in part:
            yield index, _entries(read_file(Path(path), config=config), config, path=path)

    return read


def _ingest(sc, paths, *, config: Config, stdin) -> tuple[list[Article], list[ErrorRecord]]:
    inputs = _inputs(paths)
    files = [(i, p) for i, (kind, p) in enumerate(inputs) if kind == "file"]
    per_input: dict[int, list[tuple]] = {}
    if files:
        slices = max(1, min(len(files), sc.defaultParallelism * 4))
        rdd = sc.parallelize(files, slices).mapPartitions(_read_partition(config))
        per_input.update(rdd.collect())
    for i, (kind, p) in enumerate(inputs):
        if kind == "stdin":
            from newsfold.ingest.readers import read_stdin

            source = stdin if stdin is not None else sys.stdin
            per_input[i] = _entries(read_stdin(source, config=config), config, path="-")
        elif kind == "missing":
            per_input[i] = [("error", ErrorRecord(path=p, position=None, kind="unreadable",
                                                  reason="no such file or folder"))]
    return _replay_ids(per_input[i] for i in range(len(inputs)))


def _replay_ids(per_input: Iterable[list[tuple]]) -> tuple[list[Article], list[ErrorRecord]]:
    """Apply ``read_paths``' id rules across files (they were read apart).

    The same id with the same content is kept once; the same id with different content is
    renamed ``id~2``, ``id~3``... with a ``duplicate_id`` error, as the local reader does.
    """
    seen: dict[str, str] = {}
    items: list[Article | ErrorRecord] = []
    for entries in per_input:
        for entry in entries:
            if entry[0] == "error":
                items.append(entry[1])
                continue
            _, rid, h, path, position, cleaned = entry
            prev = seen.get(rid)
            if prev is None:
                seen[rid] = h
                items.extend(cleaned)
                continue
            if prev == h:
                continue
            n = 2
            while f"{rid}~{n}" in seen:
                n += 1
            new_id = f"{rid}~{n}"
            seen[new_id] = h
            items.append(ErrorRecord(
                path=path, position=position, kind="duplicate_id", article_id=new_id,
                reason=f"id {rid!r} already used by a different article; renamed to {new_id!r}",
            ))
            for c in cleaned:
                if isinstance(c, ErrorRecord):
                    if c.article_id == rid:
                        c.article_id = new_id
                elif c.id == rid:
                    c.id = new_id
                items.append(c)
    return stages.split_errors(items)


# ---------------------------------------------------------------------- fold, cluster, analyse


def _analyze_partition(config: Config):
    def analyze(part: Iterator[tuple[list, Optional[dict]]]) -> Iterator[tuple[list, dict]]:
        # per task: ([(index, story, ok, error records)], spaCy mentions found here)
        for items, stored in part:
            yield stages.analyze_group(items, stored, config)

    return analyze


def _finish(sc, store: Store, errors: list[ErrorRecord], *, config: Config) -> RunResult:
    corpus = list(store.iter_articles())
    stages.strip_batch_boilerplate(corpus, config=config)  # on the driver: needs the whole corpus
    families = _fold(sc, corpus, config=config)
    stories = stages.cluster_stories(corpus, config=config)
    stages.attach_families(stories, families)
    by_id = {a.id: a for a in corpus}
    work = [
        (i, story, [by_id[a] for a in story.articles if a in by_id])
        for i, story in enumerate(stories)
    ]
    # stories unchanged since the previous run keep their analysis (on the driver: a lookup)
    reuse = stages.AnalysisReuse(store) if config.reuse_analysis else None
    done = {i: story for i, story, members in work
            if reuse is not None and reuse.take(story, members, config)}
    todo = [w for w in work if w[0] not in done]
    if todo:
        # whole stories per task, with the mentions the store kept of their articles (read
        # here: executors have no store connection); what spaCy finds there is stored here
        members = [m for _i, _s, m in work]
        tasks = [([(i, work[i][1], members[i]) for i in group], stored)
                 for group, stored in stages.analysis_tasks([w[0] for w in todo], members, config, store,
                                                                forked=False)]
        slices = max(1, min(len(tasks), sc.defaultParallelism * 4))
        bad: set[int] = set()
        failed: list[ErrorRecord] = []
        for results, new in sc.parallelize(tasks, slices).mapPartitions(_analyze_partition(config)).collect():
            if new:
                store.put_mentions(new)
            for i, story, _ok, errs in results:
                done[i] = story
                if errs:  # kept unanalysed (stages.analyze_stories); tried again next run
                    bad.add(i)
                    failed.extend(errs)
        store.add_errors(failed)
        errors = list(errors) + failed
        if reuse is not None:
            for i, _story, members in todo:
                if i not in bad:
                    reuse.remember(done[i], members, config)
    stories = [done[i] for i in range(len(work))]
    store.update_articles(corpus)
    store.put_stories(stories, replace_all=True)
    stages.forget_stream_state(store)
    if reuse is not None:
        reuse.save()
    result = RunResult(articles=corpus, stories=stories, errors=errors)
    result.stats["analyses_reused"] = reuse.reused if reuse is not None else 0
    return result


def _fold(sc, corpus: list[Article], *, config: Config):
    """Copy families, on the driver.

    MinHash signatures are not computed on executors: ``newsfold.dedup.fold`` first masks
    shingles that recur across outlets (a corpus-wide boilerplate filter) and only then
    signs, so a signature depends on the whole corpus. Folding is near linear (banding as a
    sort/group-by) and runs where the corpus already is.
    """
    return stages.fold_families(corpus, config=config)
