"""Stage logic as pure functions over batches. Executors (newsfold.run) only schedule them.

    records  --ingest-->  RawRecord | ErrorRecord
             --clean--->  Article | ErrorRecord
    articles --fold---->  families (article.family/origin/relation/...)
             --cluster->  stories (article.story)
    story    --analyze->  entities, quotes, claims, summary, timeline
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Iterable, Iterator, Optional, Sequence

from newsfold.config import Config
from newsfold.model import Article, ErrorRecord, Family, RawRecord, Story

if TYPE_CHECKING:
    from newsfold.store.base import Store


def ingest_and_clean(
    paths: Sequence[str], *, config: Config, stdin=None
) -> Iterator[Article | ErrorRecord]:
    """Read every path and clean every record; errors flow through as ErrorRecords."""
    from newsfold.clean import clean_records
    from newsfold.ingest import read_paths

    yield from clean_records(read_paths(paths, config=config, stdin=stdin), config=config)


def clean_batch(records: Iterable[RawRecord | ErrorRecord], *, config: Config) -> list:
    from newsfold.clean import clean_records

    return list(clean_records(records, config=config))


def split_errors(items: Iterable[Article | ErrorRecord]) -> tuple[list[Article], list[ErrorRecord]]:
    articles: list[Article] = []
    errors: list[ErrorRecord] = []
    for item in items:
        (errors if isinstance(item, ErrorRecord) else articles).append(item)
    return articles, errors


def reused_ids(store, articles: Sequence[Article]) -> list[ErrorRecord]:
    """Articles whose id the store already holds for a different text; renames some of
    ``articles`` in place and returns a ``duplicate_id`` record for each it reports.

    - The same input (equal ``input_hash``, or equal text) under a stored id, or a stored
      version of it (``id~2``...): nothing to do, ``Store.add_articles`` skips it. So a run
      after a change to the cleaning rules, which gives the same input another text, stores
      nothing twice. Nor does a text that differs from a stored version only in short lines
      (:func:`material_change`: a page crawled again with a new time stamp or comment count).
    - A different input under a stored id (an outlet's updated article, a feed entry
      re-published with new text): stored as the next free ``id~2``, ``id~3``..., as the
      reader names a second article under one id within a run
      (``ingest.readers.read_paths``); nothing is lost, and the copy folding puts it in its
      first version's family (what it adds is that link's ``added``).
    - Either side without an input hash (a store written before it was kept, or an
      :class:`Article` handed in as it is): the stored article is kept and this one is not
      stored, as the record says: without the raw input, an update cannot be told from the
      same input cleaned anew."""
    stored = {a.id: a for a in store.get_articles([a.id for a in articles])} if articles else {}
    taken = {a.id for a in articles}
    out = []
    for a in articles:
        old = stored.get(a.id)
        if old is None or old.content_hash == a.content_hash:
            continue
        when = f", published {old.published}" if old.published else ""
        said = f"id {a.id!r} is already stored for a different text ({old.headline[:60]!r}{when})"
        if a.input_hash and old.input_hash:
            versions = [old] + _stored_versions(store, a.id)
            if any(v.input_hash == a.input_hash or v.content_hash == a.content_hash
                   or not material_change(v.text, a.text) for v in versions):
                continue  # this input is stored already, or a version that says the same
            ids = taken | {v.id for v in versions}
            n = 2
            while f"{a.id}~{n}" in ids:
                n += 1
            new_id = f"{a.id}~{n}"
            out.append(ErrorRecord(
                path=a.path, position=a.position, stage="ingest", kind="duplicate_id", article_id=new_id,
                reason=f"{said}; this different input under the same id (an update?) is stored as {new_id!r}",
            ))
            a.id = new_id
            taken.add(new_id)
            continue
        out.append(ErrorRecord(
            path=a.path, position=a.position, stage="ingest", kind="duplicate_id", article_id=a.id,
            reason=f"{said}; the stored article is kept and this one is not stored: give it another id to keep both",
        ))
    return out


#: a sentence an update adds, drops or changes must have this many words to make it a new
#: version: a page crawled again whose "Updated 10:32 GMT", "Comments (12)" or share counts
#: changed is the same article
MATERIAL_WORDS = 6


def material_change(old: str, new: str) -> bool:
    """Whether ``new`` adds, drops or changes a sentence of ``MATERIAL_WORDS`` or more words
    against ``old`` (sentences compared case- and space-normalised)."""
    from newsfold.analyze.sentences import sentences

    def norm(text: str) -> set[str]:
        return {" ".join(s.text.split()).casefold() for s in sentences(text)}

    a, b = norm(old), norm(new)
    return any(len(x.split()) >= MATERIAL_WORDS for x in a ^ b)


def _stored_versions(store, base: str, page: int = 16) -> list[Article]:
    """The stored articles ``base~2``, ``base~3``... (up to the first gap of a page)."""
    out: list[Article] = []
    k = 2
    while True:
        got = store.get_articles([f"{base}~{n}" for n in range(k, k + page)])
        out += got
        if len(got) < page:
            return out
        k += page


def strip_batch_boilerplate(articles: Sequence[Article], *, config: Config) -> int:
    """Lines that many unrelated articles of the corpus share (an outlet's masthead or
    footer in plain text) are removed from texts and titles (``clean.repeated``)."""
    if not config.strip_repeated_lines:
        return 0
    from newsfold.clean.repeated import strip_repeated_lines

    return strip_repeated_lines(articles)


def fold_families(articles: Sequence[Article], *, config: Config) -> list[Family]:
    from newsfold.dedup import fold

    return fold(articles, config=config)


def cluster_stories(articles: Sequence[Article], *, config: Config) -> list[Story]:
    """Cluster articles into stories, in publication order (stream) or as a batch."""
    from newsfold.cluster import cluster_batch
    from newsfold.cluster.stream import cluster_stream

    if config.cluster_mode == "batch":
        return cluster_batch(articles, config=config)
    return cluster_stream(articles, config=config).stories()


def attach_families(stories: Sequence[Story], families: Sequence[Family]) -> None:
    """Give each story the families whose members it holds."""
    by_article: dict[str, Family] = {}
    for fam in families:
        for member in fam.members:
            by_article[member.id] = fam
    for story in stories:
        seen: dict[str, Family] = {}
        for aid in story.articles:
            fam = by_article.get(aid)
            if fam is not None:
                seen.setdefault(fam.id, fam)
        story.families = list(seen.values())


def analyze_stories(
    stories: Sequence[Story], articles: Sequence[Article], *, config: Config,
    reuse: "Optional[AnalysisReuse]" = None, errors: Optional[list] = None,
    mention_store: Optional[Store] = None,
) -> list[Story]:
    """Fill sources and analysis for every story (pure: one story at a time).

    Stories are analysed in tasks of whole stories (``analysis_tasks``: about
    ``TASK_ARTICLES`` articles, the largest first), each task after one spaCy pass over its
    articles (``analyze_group``); from ``PARALLEL_MIN`` articles to analyse the tasks run on
    ``config.analyze_workers`` forked processes (default min(2, CPU count)), which inherit a
    loaded spaCy model. Each story is analysed alone, so the result does not depend on where.
    With ``reuse``, a story whose inputs are the same as a story of the previous run takes that
    story's analysis instead of recomputing it (:class:`AnalysisReuse`). With ``errors`` (a
    list), a story whose analysis raises is kept with its articles and sources, unanalysed,
    and an ``ErrorRecord`` (stage ``analyse``) is appended: one story never stops a run. With
    ``mention_store``, spaCy's mentions of each article are read from that store when an
    earlier run kept them, and kept there otherwise (the executors pass their store); the
    store is used in this process only, a batch of about ``PREFETCH_GROUP`` articles' tasks
    at a time."""
    from newsfold import workers as workers_
    from newsfold.analyze.nlp import load_nlp

    by_id = {a.id: a for a in articles}
    members = [[by_id[i] for i in story.articles if i in by_id] for story in stories]
    done: dict[int, Story] = {}
    if reuse is not None:
        for i, (story, m) in enumerate(zip(stories, members)):
            if reuse.take(story, m, config):
                done[i] = story
    todo = [i for i in range(len(stories)) if i not in done]
    workers = config.analyze_workers if config.analyze_workers is not None else workers_.default_count()
    if len(todo) < 2 or sum(len(members[i]) for i in todo) < PARALLEL_MIN or not workers_.can_fork():
        workers = 1
    if workers > 1:
        load_nlp(config)  # loaded before the forks: the workers share the model's pages
    state = {"config": config, "keep_failed": errors is not None}
    start = 0
    while start < len(todo):
        stop, size = start, 0
        while stop < len(todo) and (stop == start or size + len(members[todo[stop]]) <= PREFETCH_GROUP):
            size += len(members[todo[stop]])
            stop += 1
        # tasks made here (the store's connection is this thread's; a pool pulls tasks on a
        # thread of its own), the stored mentions of one batch held at a time
        payloads = [([(i, stories[i], members[i]) for i in group], stored)
                    for group, stored in analysis_tasks(todo[start:stop], members, config, mention_store)]
        for results, new in workers_.run_tasks(_analyze_task, payloads, state, workers):
            if new and mention_store is not None:
                mention_store.put_mentions(new)
            for i, story, ok, errs in results:
                done[i] = story
                if errors is not None:
                    errors.extend(errs)
                if reuse is not None and ok:  # (a failed story is tried again next run)
                    reuse.remember(story, members[i], config)
        start = stop
    return [done[i] for i in range(len(stories))]


#: a run analyses its stories on worker processes from this many articles (each worker is a
#: fork of this process: a loaded spaCy model is inherited, not loaded again)
PARALLEL_MIN = 100
#: articles per analysis task: whole stories, the largest first, so that two workers finish
#: together
TASK_ARTICLES = 64


def analysis_tasks(todo: Sequence[int], members: Sequence[Sequence[Article]], config: Config,
                   mention_store: "Optional[Store]" = None, forked: bool = True) -> list[tuple]:
    """The stories ``todo`` (indices into ``members``) grouped into analysis tasks (run in
    process, on worker processes or on Spark executors): whole stories of about
    ``TASK_ARTICLES`` articles, the largest first. Each task is ``(story indices, stored)``,
    ``stored`` being what ``mention_store`` keeps of its articles' spaCy mentions (read here,
    where the store's connection is; None without a store or a spaCy model). ``forked``: the
    tasks run in this process or its forks, which share its mention cache (not on Spark)."""
    from newsfold.analyze.entities import stored_mentions
    from newsfold.analyze.nlp import load_nlp

    nlp = load_nlp(config) if mention_store is not None else None
    groups, cur, size = [], [], 0
    for i in sorted(todo, key=lambda i: -len(members[i])):
        cur.append(i)
        size += len(members[i])
        if size >= TASK_ARTICLES:
            groups.append(cur)
            cur, size = [], 0
    if cur:
        groups.append(cur)
    return [(g, stored_mentions([a for i in g for a in members[i]], config, mention_store, skip_cached=forked)
             if nlp is not None else None) for g in groups]


def analyze_group(items: Sequence[tuple], stored: Optional[dict], config: Config,
                  keep_failed: bool = True) -> tuple[list, dict]:
    """Analyse the stories ``items`` ((index, story, members) each) after one spaCy pass over
    their articles that first reads ``stored`` (mentions a store kept, see ``analysis_tasks``).
    Returns ([(index, story, ok, error records)], the mentions spaCy found here, for the caller
    to store). Runs where no store is (a worker process, a Spark executor). A story whose
    analysis raises is kept unanalysed with its error record (``analyze_or_keep``), or, with
    ``keep_failed`` False, the exception propagates."""
    from newsfold.analyze.entities import MentionBuffer, prefetch_mentions
    from newsfold.analyze.nlp import load_nlp

    buf = MentionBuffer(stored or {})
    if load_nlp(config) is not None:
        try:
            prefetch_mentions([a for _, _, m in items for a in m], config, store=buf)
        except Exception:  # noqa: BLE001 - each story then reads its own: a failure is its own
            import logging

            logging.getLogger(__name__).warning("spaCy failed on a batch of stories; reading them one story at a time", exc_info=True)
    out = []
    for i, story, m in items:
        errs: list = []
        st, ok = analyze_or_keep(story, m, config=config, errors=errs if keep_failed else None)
        out.append((i, st, ok, errs))
    return out, buf.new


def _analyze_task(task: tuple) -> tuple[list, dict]:
    """One task of ``analyze_stories`` (in a worker process, or in process)."""
    from newsfold import workers as workers_

    items, stored = task
    st = workers_.state()
    return analyze_group(items, stored, st["config"], keep_failed=st["keep_failed"])


def analyze_or_keep(story: Story, members: Sequence[Article], *, config: Config,
                    errors: Optional[list]) -> tuple[Story, bool]:
    """``(analyze_one(...), True)``; when that raises and ``errors`` is a list, ``(the story
    kept unanalysed, False)`` with an error record appended (``unanalysed``)."""
    try:
        return analyze_one(story, members, config=config), True
    except Exception as exc:
        if errors is None:
            raise
        return unanalysed(story, members, exc, errors), False


#: where the error record of a story whose analysis failed points (``story:<id>``)
_STORY_PATH = "story:"


def _failed_path(story_id: str) -> str:
    return _STORY_PATH + story_id


def failed_story_ids(errors: Iterable[ErrorRecord]) -> set[str]:
    """Ids of the stories whose analysis failed, from the records :func:`unanalysed` writes."""
    return {e.path[len(_STORY_PATH):] for e in errors
            if e.kind == "analysis_failed" and e.path.startswith(_STORY_PATH)}


def unanalysed(story: Story, members: Sequence[Article], exc: Exception, errors: list) -> Story:
    """The story as it stands (articles, families, sources) after its analysis raised ``exc``;
    the error record says which story and why."""
    import logging

    from newsfold.dedup import story_sources

    logging.getLogger("newsfold.analyze").exception("analysis of story %s failed", story.id)
    story.sources = story_sources(members)
    errors.append(ErrorRecord(
        path=_failed_path(story.id), position=None, stage="analyse", kind="analysis_failed",
        reason=(f"analysing story {story.id} ({len(members)} articles) failed with "
                f"{type(exc).__name__}: {exc}; the story is kept with its articles and sources, "
                "without entities, quotes, claims, summary or timeline"),
    ))
    return story


class AnalysisReuse:
    """Analysis of unchanged stories carried over from the previous run on the same store.

    ``newsfold run --db X`` recomputes families and stories over the whole store on every run
    (a new article may join or split any story), but most stories come out with the same
    members, and their analysis -- spaCy NER above all -- is a pure function of the members,
    the analysis code and the NER model. Each analysed story gets a key: a hash of every
    member article's fields that analysis reads (``INPUTS``: text, title, dates, outlet, family,
    relation, additions...) as they stand after folding, of the analysis code's source files
    and of the NER model in use.
    The store keeps ``{key: story id}`` as engine state; a story of the next run with the same
    key copies the stored story's analysis. Any change -- a member's text (the batch rules
    may strip a line), its family, the code, the model -- gives another key and a fresh
    analysis.
    """

    STATE_KEY = "analysis_reuse"
    #: set while stories analysed outside a batch run are not yet in the record (the streaming
    #: pipeline writes them at its next state save): the record is then not trusted
    DIRTY_KEY = "analysis_reuse.dirty"
    FIELDS = ("sources", "first_published", "last_published", "entities", "quotes", "claims",
              "summary", "basis", "timeline")
    #: the article fields analysis reads (tests/test_analysis_reuse.py checks that the others
    #: -- a copy's similarity figures, reason, origin, dropped sentences, byline... -- leave it
    #: unchanged). Fold recomputes those for many articles whenever the store grows (outlet
    #: boilerplate is learnt from the whole store), so keying on them kept few stories.
    INPUTS = ("id", "title", "text", "published", "first_seen", "source", "url", "wire",
              "language", "family", "relation", "added")

    def __init__(self, store, *, load: bool = True) -> None:
        """``load=False``: only to compute keys (``key``), without reading the record."""
        self.store = store
        trusted = load and not store.get_state(self.DIRTY_KEY)
        self.previous: dict[str, str] = self._read(store) if trusted else {}
        self.current: dict[str, str] = {}
        self.reused = 0
        self._model: Optional[str] = None
        self._missed: dict[str, str] = {}  # story id -> key, for remember() after analysis

    def key(self, story: Story, members: Sequence[Article], config: Config) -> str:
        import hashlib
        import json

        h = hashlib.sha1(_analysis_code_hash().encode())
        h.update(self._model_id(config).encode())
        for a in members:
            h.update(json.dumps([getattr(a, f) for f in self.INPUTS], default=str).encode())
        return h.hexdigest()

    def take(self, story: Story, members: Sequence[Article], config: Config) -> bool:
        """Copy the previous run's analysis onto ``story`` when its key matches."""
        k = self.key(story, members, config)
        sid = self.previous.get(k)
        old = self.store.get_story(sid) if sid else None
        if old is None or old.articles != story.articles:
            self._missed[story.id] = k
            return False
        for f in self.FIELDS:
            setattr(story, f, getattr(old, f))
        self.current[k] = story.id
        self.reused += 1
        return True

    def remember(self, story: Story, members: Sequence[Article], config: Config) -> None:
        """Record a story analysed in this run (its key as ``take`` computed it)."""
        k = self._missed.pop(story.id, None) or self.key(story, members, config)
        self.current[k] = story.id

    def save(self) -> None:
        """Keep this run's keys (call after the run's stories are stored)."""
        import json

        self.store.set_state(self.STATE_KEY, json.dumps(self.current).encode())
        self.store.set_state(self.DIRTY_KEY, b"")

    @classmethod
    def mark_dirty(cls, store) -> None:
        """Stories were analysed outside a batch run and are not in the record yet (``record``
        clears this); until then no run trusts the record."""
        store.set_state(cls.DIRTY_KEY, b"1")

    @classmethod
    def record(cls, store, keys: "dict[str, Optional[str]]") -> None:
        """Update the stored record for stories analysed outside a batch run (the streaming
        pipeline, at its state saves; ``keys``: story id -> key as analysed, or None for a
        story whose analysis failed): their old
        entries go, their current keys are added, so that a later batch run still reuses every
        story whose inputs it finds unchanged."""
        import json

        kept = {k: sid for k, sid in cls._read(store).items() if sid not in keys}
        kept.update({k: sid for sid, k in keys.items() if k})
        store.set_state(cls.STATE_KEY, json.dumps(kept).encode())
        store.set_state(cls.DIRTY_KEY, b"")

    @classmethod
    def _read(cls, store) -> dict[str, str]:
        """The stored record ({key: story id}); empty when absent or unreadable."""
        import json

        raw = store.get_state(cls.STATE_KEY)
        try:
            return json.loads(raw) if raw else {}
        except ValueError:
            return {}

    def _model_id(self, config: Config) -> str:
        if self._model is None:
            from newsfold.analyze.nlp import load_nlp, resolve_model_name

            nlp = load_nlp(config) if resolve_model_name(config) else None
            meta = getattr(nlp, "meta", None) or {}
            self._model = (f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}"
                           if nlp is not None else "rules")
        return self._model


#: keys of the streaming pipeline's saved state (``newsfold.run.stream`` reads them from here,
#: so that the batch executors need not import it)
STREAM_STATE_KEYS = ("stream.family_index", "stream.clusterer")


def forget_stream_state(store) -> None:
    """Drop the streaming pipeline's saved family index and clusterer. Call after a batch run
    has stored its stories (``replace_all``): that state still holds the stories as they were
    before the run, so a later streaming add would revive a story the run replaced. Without
    it the pipeline rebuilds its state from the stored stories (a one-off replay)."""
    for key in STREAM_STATE_KEYS:
        store.delete_state(key)  # (without reading the blob: ~100 MB at scale)


def _analysis_code_hash() -> str:
    """Hash of the source files whose code decides a story's analysis."""
    global _CODE_HASH
    if _CODE_HASH is None:
        import hashlib
        from pathlib import Path

        root = Path(__file__).resolve().parent
        files = sorted((root / "analyze").glob("*.py")) + [
            root / "stages.py", root / "model.py", root / "dedup" / "families.py",
            root / "clean" / "metadata.py"]
        from newsfold import __version__

        h = hashlib.sha1(__version__.encode())
        for f in files:
            h.update(f.name.encode())
            h.update(f.read_bytes() if f.exists() else b"")
        _CODE_HASH = h.hexdigest()
    return _CODE_HASH


_CODE_HASH: Optional[str] = None


#: articles whose analysis tasks are made, and whose stored spaCy mentions are held, at a time
#: (``analyze_stories``; each task's spaCy pass stays under the entity cache's 4,096)
PREFETCH_GROUP = 2_000


def analyze_one(story: Story, members: Sequence[Article], *, config: Config) -> Story:
    from newsfold.analyze import analyze_story
    from newsfold.dedup import story_sources

    story.sources = story_sources(members)
    dates = sorted(a.published for a in members if a.published)
    story.first_published = dates[0] if dates else None
    story.last_published = dates[-1] if dates else None
    return analyze_story(story, members, config=config)


def group_by_story(articles: Iterable[Article]) -> dict[str, list[Article]]:
    groups: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        if a.story:
            groups[a.story].append(a)
    return groups


