"""The streaming path: new articles join the stored corpus one batch at a time.

::

    items --clean--> Article --store.add_articles (idempotent)--> FamilyIndex.add
          --StreamClusterer.add--> re-analyse only the touched stories --> store

Unlike :func:`newsfold.run.local.run_local`, nothing already stored is recomputed: the
copy-family index and the streaming clusterer are kept in the store (``set_state``) and
updated in place, and only the stories that received an article are analysed again. This
is what ``POST /api/articles``, :class:`newsfold.Engine` and live feeds use.
"""

from __future__ import annotations

import logging
import pickle
import threading
import time
from datetime import datetime, timezone
from typing import Any, Iterable, Optional, Sequence

from newsfold import stages
from newsfold.config import Config
from newsfold.model import Article, ErrorRecord, RawRecord, Story, time_key
from newsfold.store.base import Store

#: Keys under which the pipeline keeps its state in the store (a batch run drops them:
#: ``stages.forget_stream_state``).
STATE_FAMILIES, STATE_CLUSTERER = stages.STREAM_STATE_KEYS


def record_from_dict(obj: Any, *, path: str = "api", position: Any = None) -> RawRecord | ErrorRecord:
    """Turn one article object (JSONL field names) into a RawRecord, exactly as the JSONL
    reader does (same id choice, same text/html keys), or an ErrorRecord (also for a value
    that is not an object)."""
    from newsfold.ingest.jsonl import record_from_item

    return record_from_item(obj, path=path, position=position)


log = logging.getLogger("newsfold.run")


class StreamingPipeline:
    """Add articles to a store incrementally; returns the ids of the stories touched.

    >>> from newsfold.store import open_store                      # doctest: +SKIP
    >>> p = StreamingPipeline(open_store("news.db"))                 # doctest: +SKIP
    >>> p.add([{"id": "a1", "title": "T", "text": "Body ..."}])      # doctest: +SKIP
    ['s0001']
    """

    def __init__(self, store: Store, config: Optional[Config] = None, *, save_every: float = 5.0,
                 background_pass: bool = True, defer_analysis: bool = False) -> None:
        """``save_every``: at most one state save per that many seconds (the first add and
        :meth:`flush` always save). The state holds every article's signature, so saving it
        costs time in proportion to the corpus; articles stored after the last save are
        caught up from the store when a pipeline next loads the state, so nothing is lost.
        ``background_pass``: the periodic window pass computes its clusters in a thread,
        outside the lock, so the add that triggers it does not wait for it (seconds per
        thousand articles); only applying the moves takes the lock.
        ``defer_analysis``: the touched stories are analysed together when the state is next
        saved (:meth:`save`: after a window pass, or on :meth:`flush`), not after every
        :meth:`add`; a story touched by several adds and a pass is analysed once, and spaCy
        reads all their articles in one batch. For a run that adds many articles
        (``run_incremental``); the state is then saved only with every story analysed."""
        self.store = store
        self.config = config or Config()
        self.save_every = save_every
        self.lock = threading.RLock()
        self.errors: list[ErrorRecord] = []
        self.last_added: list[str] = []
        self._families = None
        self._clusterer = None
        self._last_save: Optional[float] = None
        self._dirty = False
        self._since_pass = 0  # articles added since the last window pass
        self._last_pass_t = time.monotonic()  # when the last window pass started (or we did)
        self.last_pass: list[dict] = []  # what the last window pass did
        self.background_pass = background_pass
        self._pass_thread: Optional[threading.Thread] = None
        self.defer_analysis = defer_analysis
        self._pending: dict[str, None] = {}  # story ids whose analysis is deferred
        #: error records of stories whose analysis failed (kept unanalysed), since creation
        self.failed: list[ErrorRecord] = []
        #: story id -> analysis-reuse key of the stories analysed since the last state save
        #: (written to the record at the save: ``stages.AnalysisReuse.record``)
        self._keys: dict[str, Optional[str]] = {}
        self._keyer: Optional[stages.AnalysisReuse] = None

    # -- state -------------------------------------------------------------------------
    def _load(self) -> None:
        """Restore the family index and the clusterer from the store, or start them afresh;
        then catch up with stored articles the state does not know (a store filled by a batch
        run, or articles stored after the last save)."""
        if self._clusterer is not None:
            return
        from newsfold.cluster import StreamClusterer
        from newsfold.dedup import FamilyIndex

        fam = _restore(self.store.get_state(STATE_FAMILIES), FamilyIndex, self.config)
        clu = _restore(self.store.get_state(STATE_CLUSTERER), StreamClusterer, self.config)
        if fam is None or clu is None:
            fam, clu = _new(FamilyIndex, self.config), _new(StreamClusterer, self.config)
        self._families, self._clusterer = fam, clu
        known = set(clu.assignments()) if hasattr(clu, "assignments") else set()
        missing = [a for a in self.store.iter_articles() if a.id not in known]
        if missing:
            self._replay(missing)

    def _replay(self, articles: list[Article]) -> None:
        """Feed stored articles to the index and the clusterer, in publication order. An
        article a batch run already placed keeps its story (the stream goes on from it)."""
        articles.sort(key=time_key)
        for a in articles:
            self._families.add(a)
            if a.story:
                a.story = self._clusterer.seed(a, a.story)
            else:
                a.story = self._clusterer.add(a)
        self.store.update_articles(articles)
        self._reanalyse(list(dict.fromkeys(a.story for a in articles if a.story)))
        self._dirty = True
        self.save()

    def save(self) -> None:
        """Write the family index and the clusterer state to the store now."""
        if self._clusterer is None:
            return
        with self.lock:
            if self._pending:  # never a saved state whose stories are not analysed
                pending, self._pending = list(self._pending), {}
                self._analyse(pending)
            if self._keys:
                stages.AnalysisReuse.record(self.store, self._keys)
                self._keys = {}
            self.store.set_state(STATE_FAMILIES, pickle.dumps(self._families.state_dict()))
            self.store.set_state(STATE_CLUSTERER, pickle.dumps(self._clusterer.state_dict()))
            self._last_save = time.monotonic()
            self._dirty = False

    def flush(self) -> None:
        """Wait for a running window pass, then save the state if anything changed since the
        last save (call before closing)."""
        self.join_pass()
        if self._dirty or self._pending:
            self.save()

    # -- the work ----------------------------------------------------------------------
    def clean(self, items: Iterable[Any]) -> tuple[list[Article], list[ErrorRecord]]:
        """RawRecords, article dicts (JSONL names) or Articles -> cleaned Articles + errors."""
        from newsfold.clean import clean_records

        records: list[RawRecord | ErrorRecord] = []
        ready: list[Article] = []
        for pos, item in enumerate(items):
            if isinstance(item, Article):
                ready.append(item)
            elif isinstance(item, (RawRecord, ErrorRecord)):
                records.append(item)
            else:  # an article dict (JSONL names), a bundle of them, or an error record
                from newsfold.ingest.jsonl import records_from_item

                records.extend(records_from_item(item, path="api", position=pos))
        articles, errors = stages.split_errors(clean_records(records, config=self.config)) if records else ([], [])
        return ready + articles, errors

    def add(self, items: Iterable[Any]) -> list[str]:
        """Clean, store, fold, cluster and re-analyse; returns the touched story ids."""
        with self.lock:
            articles, errors = self.clean(items)
            errors += stages.reused_ids(self.store, articles)
            self.errors = errors
            if errors:
                self.store.add_errors(errors)
            now = datetime.now(timezone.utc).isoformat(timespec="seconds")
            for a in articles:
                a.first_seen = a.first_seen or now
            self._load()  # before adding: a replay must only see what was stored before
            added = set(self.store.add_articles(articles))
            new = [a for a in articles if a.id in added]
            self.last_added = [a.id for a in new]
            if not new:
                return []
            touched: list[str] = []
            for a in sorted(new, key=time_key):
                self._families.add(a)
                if self.config.strip_repeated_lines:
                    # the lines the copy index now knows for boilerplate (mastheads, footers),
                    # as the batch rule removes them in ``newsfold run``
                    from newsfold.clean.repeated import strip_lines

                    strip_lines(a, self._families.is_boilerplate_line)
                sid = self._clusterer.add(a)
                a.story = sid
                if sid not in touched:
                    touched.append(sid)
            self.store.update_articles(new)
            self._reanalyse(touched)
            self._dirty = True
            self._since_pass += len(new)
            cc = self._clusterer.cc
            every, interval = cc.recluster_every, cc.recluster_interval_s
            if every and self._since_pass and (
                    self._since_pass >= every
                    or (interval and time.monotonic() - self._last_pass_t >= interval)):
                if self.background_pass:
                    self._start_pass()
                else:
                    self.recluster()
            if not self.defer_analysis and (
                    self._last_save is None or time.monotonic() - self._last_save >= self.save_every):
                self.save()
            return touched

    @property
    def added_since_pass(self) -> int:
        """Articles added since the last window pass (a caller ending a batch runs one more
        pass when this is not zero)."""
        return self._since_pass

    def recluster(self) -> list[dict]:
        """The periodic window pass over the ``recluster_window`` most recent stored articles
        (:meth:`StreamClusterer.recluster`): moved articles are re-stored, the stories they
        left and joined are re-analysed, absorbed stories are deleted. Runs every
        ``recluster_every`` added articles, and on the first add ``recluster_interval_s``
        after the last pass when articles came in since (in a thread, see
        ``background_pass``); called directly it runs now. Returns (and keeps in
        ``last_pass``) what it did."""
        with self.lock:
            self._load()
            self._since_pass = 0
            self._last_pass_t = time.monotonic()
            clu = self._clusterer
            recent = self.store.get_articles(clu.window_ids(clu.cc.recluster_window))
            return self._apply_pass(clu, *clu.plan_recluster(recent))

    def _start_pass(self) -> None:
        """Start a window pass in a thread unless one is running (called under the lock)."""
        self._since_pass = 0
        self._last_pass_t = time.monotonic()
        if self._pass_thread is not None and self._pass_thread.is_alive():
            return
        self._pass_thread = threading.Thread(target=self._background_pass, name="newsfold-window-pass",
                                             daemon=True)
        self._pass_thread.start()

    def _background_pass(self) -> None:
        try:
            with self.lock:
                self._load()
                clu = self._clusterer
                recent = self.store.get_articles(clu.window_ids(clu.cc.recluster_window))
            arts, labels = clu.plan_recluster(recent)  # the slow part: adds go on meanwhile
            with self.lock:
                if self._clusterer is not clu:  # the state was replaced meanwhile: drop the plan
                    return
                fresh = {a.id: a for a in self.store.get_articles([a.id for a in arts])}  # as stored now
                self._apply_pass(clu, [fresh.get(a.id, a) for a in arts], labels)
        except Exception:  # a failed pass must not take the pipeline down; the next one retries
            log.exception("background window pass failed")

    def join_pass(self, timeout: Optional[float] = None) -> None:
        """Wait for a running background window pass (if any) to finish."""
        t = self._pass_thread
        if t is not None and t is not threading.current_thread():
            t.join(timeout)

    def _apply_pass(self, clu, arts: Sequence[Article], labels: Sequence[int]) -> list[dict]:
        """Apply a planned window pass to the clusterer, then to the store and the analysis."""
        with self.lock:
            before = {a.id: clu.story_of(a.id) for a in arts}
            actions = clu.apply_recluster(arts, labels)
            self.last_pass = actions
            if not actions:
                return actions
            moved = [a for a in arts if clu.story_of(a.id) != before[a.id]]
            for a in moved:
                a.story = clu.story_of(a.id)
            self.store.update_articles(moved)
            gone = [r["story"] for r in actions if r["action"] == "absorb"]
            alive = {s.id for s in clu.stories()}
            touched = [sid for sid in dict.fromkeys(
                [before[a.id] for a in moved] + [a.story for a in moved]) if sid in alive]
            self.store.delete_stories([g for g in gone if g not in alive])
            self._reanalyse(touched)
            self._dirty = True
            self.save()
            return actions

    def _reanalyse(self, story_ids: Sequence[str]) -> None:
        if self.defer_analysis:
            self._pending.update(dict.fromkeys(story_ids))
        else:
            self._analyse(story_ids)

    def _analyse(self, story_ids: Sequence[str]) -> None:
        """Analyse these stories as they now stand and store them (ids the clusterer no longer
        holds are skipped), all in one ``stages.analyze_stories`` call: spaCy reads their
        articles in batches, on ``analyze_workers`` processes."""
        from newsfold.dedup import families_of

        current = {s.id: s for s in self._clusterer.stories() if s.id in set(story_ids)}
        todo: list[Story] = []
        every: list[Article] = []
        for sid in story_ids:
            base = current.get(sid)
            if base is None:
                continue
            members = self.store.get_articles(list(base.articles))
            # keep the story's article order and fix stale story fields
            changed = [a for a in members if a.story != sid]
            for a in changed:
                a.story = sid
            if changed:
                self.store.update_articles(changed)
            title = base.title
            old = self.store.get_story(sid)
            if old is not None and old.title and old.articles == [a.id for a in members]:
                title = old.title  # same members (a replay, a pass that moved nothing here): same title
            story = Story(id=sid, title=title, articles=[a.id for a in members],
                          storyline=base.storyline)
            story.families = families_of(members)
            todo.append(story)
            every.extend(members)
        failed: list[ErrorRecord] = []
        out = (stages.analyze_stories(todo, every, config=self.config, errors=failed, mention_store=self.store)
               if todo else [])
        if failed:
            self.store.add_errors(failed)
            self.errors.extend(failed)
            self.failed.extend(failed)
        by_id = {a.id: a for a in every}
        for story in out:
            if not story.title:
                story.title = next((by_id[i].title for i in story.articles if by_id[i].title), "") or ""
        self.store.put_stories(out)
        if out:  # keep the batch runs' record of analysed inputs true for these stories (at the next save)
            if not self._keys:
                stages.AnalysisReuse.mark_dirty(self.store)
            if self._keyer is None:
                self._keyer = stages.AnalysisReuse(self.store, load=False)
            bad = stages.failed_story_ids(failed)
            for st in out:
                if st.id in bad:  # no key: its entry goes, the next run analyses it
                    self._keys[st.id] = None
                else:
                    self._keys[st.id] = self._keyer.key(st, [by_id[i] for i in st.articles], self.config)


def run_incremental(paths: Sequence[str], *, config: Optional[Config] = None, store: Optional[Store] = None,
                    stdin=None, chunk: int = 500) -> "RunResult":
    """``newsfold run --incremental``: add what ``paths`` hold to the store without recomputing
    what is stored (the daily run on a growing store).

    The new articles go through :class:`StreamingPipeline` in publication order, ``chunk`` at a
    time: each is checked against the stored copy-family index, joins its best story or opens
    one, and only the stories that received an article are analysed again. The run ends with
    the window pass over the most recent articles (as ``newsfold cluster --mode stream`` does),
    which may move a recent article to a better story; ids of stories that keep articles stay.
    A store filled by batch runs is taken over once (its stories are kept: the pipeline seeds
    itself from them). The result covers the whole store, like a batch run's."""
    from newsfold.model import RunResult
    from newsfold.run.local import run_stats
    from newsfold.store import open_store

    config = config or Config()
    own_store = store is None
    store = store or open_store(None)
    try:
        # touched stories are analysed together (after each window pass and at the end), and
        # the state is saved only then, with every story analysed
        pipeline = StreamingPipeline(store, config, background_pass=False, defer_analysis=True)
        new: list[Article] = []
        errors: list[ErrorRecord] = []
        for item in stages.ingest_and_clean(paths, config=config, stdin=stdin):
            (errors if isinstance(item, ErrorRecord) else new).append(item)
        store.add_errors(errors)
        new.sort(key=time_key)
        added = 0
        touched: dict[str, None] = {}
        for s in range(0, len(new), chunk):
            for sid in pipeline.add(new[s : s + chunk]):
                touched[sid] = None
            added += len(pipeline.last_added)
        moves = pipeline.recluster() if pipeline.added_since_pass else []
        pipeline.flush()
        errors.extend(pipeline.failed)  # (the new items are Articles already: no clean errors)
        stories = store.list_stories(limit=max(1, store.count_stories()))
        result = RunResult(articles=list(store.iter_articles()), stories=stories, errors=errors)
        result.stats = {**run_stats(len(new), added), "stories_touched": len(touched),
                        "window_pass_changes": len(moves)}
        return result
    finally:
        if own_store:
            store.close()


def _restore(raw: Optional[bytes], cls, config):
    """``cls.from_state(pickle.loads(raw))``, or None when absent or incompatible."""
    if not raw:
        return None
    try:
        state = pickle.loads(raw)
        if isinstance(state, cls):
            return state
        try:
            return cls.from_state(state, config=config)
        except TypeError:
            return cls.from_state(state)
    except Exception:  # corrupt, or built by another engine version: rebuilt by replay
        return None


def _new(cls, config):
    try:
        return cls(config=config)
    except TypeError:
        return cls()


__all__ = ["StreamingPipeline", "record_from_dict", "STATE_FAMILIES", "STATE_CLUSTERER"]
