"""Streaming and batch story clustering.

Each article is parsed into weighted term vectors (full text, title, lead) and an entity/number
vector (see :mod:`newsfold.cluster.features`), IDF coming from the data seen so far. Candidate
stories come from an inverted index over the top terms and entities of story centroids; only the
most recent postings of each key are scanned, so the cost per article does not grow with the
number of stories. For each candidate a logistic model over pair features (fitted offline by
:mod:`newsfold.cluster.calibrate`, coefficients in ``model.json``) gives P(same story); the
article joins the best candidate when that probability reaches the calibrated threshold, else it
opens a new story. Copies join their family's story. Story ids derive from the first article's
id and never change (a merge keeps the older id).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from array import array
from itertools import repeat
from operator import mul
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from newsfold.cluster import features as F
from newsfold.model import Article, Story

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
    "log_size",
    "full_x_ent",
    "lead_shared",
    "max_shared_idf",
)
#: Two regimes with their own coefficients: short items (title + lead, e.g. feeds, headline
#: roundups) and full-text pairs (both sides have body text); plus a regime intercept.
FEATURES = tuple(f + "@short" for f in BASE_FEATURES) + tuple(
    f + "@body" for f in BASE_FEATURES) + ("body_both",)


@dataclass
class ClusterConfig:
    """Tunables of the clusterer (the join threshold itself comes from the fitted model)."""

    top_full: int = 64  # terms kept per story centroid, full-text channel
    top_title: int = 24
    top_lead: int = 32
    top_ent: int = 32
    index_keys: int = 16  # keys per channel a story is indexed under
    query_keys: int = 12  # keys per channel an article queries
    postings_scan: int = 64  # most recent stories scanned per key
    max_candidates: int = 16  # candidates fully scored per article
    threshold: Optional[float] = None  # None: the model's calibrated threshold
    window_days: int = 21  # a dated article joins only stories dated within this many days
    storyline_days: int = 120  # storyline links reach this far back
    storyline_p: float = 0.1  # a new story links to an earlier one's storyline above this ...
    storyline_ent: float = 0.35  # ... when their entity vectors are at least this similar
    merge_margin: float = 0.6  # maintain() merges two stories when p >= threshold + margin
    model: Optional[dict] = None  # override the committed model (calibration, tests)


def load_model(path: Path = MODEL_PATH) -> dict:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:  # before the first calibration: a neutral, documented prior
        return {
            "features": list(FEATURES),
            "coef": [3.0, 2.0, 2.0, 4.0, 0.5, 0.5, -1.0, -0.5, 0.0, 0.0, 0.0, 0.0] * 2 + [0.0],
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

    def __getstate__(self):
        return (self.t, self.w.tobytes(), self.norm)

    def __setstate__(self, s):
        self.t, raw, self.norm = s
        self.w = array("f")
        self.w.frombytes(raw)


@dataclass
class Prepared:
    """An article's vectors, ready to score against stories."""

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


@dataclass
class _Story:
    __slots__ = ("id", "n", "full", "title", "lead", "ent", "first_day", "last_day", "body",
                 "best_title", "best_score", "articles", "storyline", "seq")
    id: str
    n: int
    full: Vec
    title: Vec
    lead: Vec
    ent: Vec
    first_day: Optional[int]
    last_day: Optional[int]
    body: int
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
        self.freeze_df = False  # batch mode: IDF fitted on the whole window beforehand
        self._stories: list[Optional[_Story]] = []
        self._by_id: dict[str, int] = {}
        self._assign: dict[str, int] = {}  # article id -> story index
        self._family: dict[str, int] = {}  # family id -> story index
        self._postings: dict[str, dict[int, None]] = {}
        self._seq = 0
        self._dirty: set[int] = set()  # stories changed since the last maintain()

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
    def prepare(self, article: Article) -> Prepared:
        p = F.parse(article.title, article.text or "", article.published)
        if not self.freeze_df:
            F.observe(self.dfs, p)
        dfs = self.dfs
        ents = F.entities(p, dfs)
        ent_vec = F.weigh(ents, dfs, self.cc.top_ent) if ents else {}
        return Prepared(
            id=article.id,
            title=(article.title or "").strip() or (article.text or "").strip()[:90],
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

    def features(self, a: Prepared, s: _Story) -> list[float]:
        cos_full = s.full.cos(a.full)
        ent_cos = s.ent.cos(a.ent) if a.ent else 0.0
        shared = [k for k in s.ent.t if k in a.ent_idf]
        ent_shared = math.log1p(sum(a.ent_idf[k] for k in shared))
        num_shared = math.log1p(sum(1 for k in shared if k[0] == "#"))
        has_time = 1.0 if (a.day is not None and s.first_day is not None) else 0.0
        gap = 0.0
        if has_time:
            if a.day < s.first_day:
                gap = s.first_day - a.day
            elif a.day > s.last_day:
                gap = a.day - s.last_day
        years = a.years
        li = a.lead_idf
        lead_sh = [li[k] for k in s.lead.t if k in li]
        s_years = {k for k in s.ent.t if _is_year(k)}
        year_conflict = 1.0 if (years and s_years and not (years & s_years)) else 0.0
        base = [
            cos_full,
            s.title.cos(a.tvec) if a.tvec else 0.0,
            s.lead.cos(a.lead) if a.lead else 0.0,
            ent_cos,
            ent_shared,
            num_shared,
            year_conflict,
            math.log1p(gap),
            math.log(s.n),
            cos_full * ent_cos,
            math.log1p(sum(lead_sh)),
            max(lead_sh, default=0.0) / self._idf_max(),
        ]
        zero = [0.0] * len(base)
        if a.has_body or s.body:
            return zero + base + [1.0]
        return base + zero + [0.0]

    def _idf_max(self) -> float:
        return math.log(self.dfs.n + 1) + 1.0

    def prob(self, x: Sequence[float]) -> float:
        z = self._b + sum(c * v for c, v in zip(self._coef, x))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    # ------------------------------------------------------------------ index
    def _keys(self, s: _Story) -> list[str]:
        k = self.cc.index_keys
        return s.ent.top(k) + ["~" + t for t in s.lead.top(k)]

    def _index(self, idx: int) -> None:
        s = self._stories[idx]
        for key in self._keys(s):
            post = self._postings.get(key)
            if post is None:
                self._postings[key] = {idx: None}
            else:
                post.pop(idx, None)
                post[idx] = None  # move to the recent end

    def candidates(self, a: Prepared) -> list[int]:
        q = self.cc.query_keys
        keys = sorted(a.ent, key=lambda k: -a.ent[k])[:q]
        keys += ["~" + t for t in sorted(a.lead, key=lambda k: -a.lead[k])[:q]]
        scores: dict[int, float] = {}
        scan = self.cc.postings_scan
        for key in keys:
            post = self._postings.get(key)
            if not post:
                continue
            w = a.ent.get(key) or a.lead.get(key[1:], 0.0)
            for i, idx in enumerate(reversed(post)):
                if i >= scan:
                    break
                scores[idx] = scores.get(idx, 0.0) + w
        if len(scores) > self.cc.max_candidates:
            return sorted(scores, key=lambda i: -scores[i])[: self.cc.max_candidates]
        return list(scores)

    # ------------------------------------------------------------------ stories
    def _new_story(self, a: Prepared) -> int:
        cc = self.cc
        s = _Story(
            id=_sid(a.id),
            n=1,
            full=Vec(dict(sorted(a.full.items(), key=lambda kv: -kv[1])[: cc.top_full])),
            title=Vec(dict(sorted(a.tvec.items(), key=lambda kv: -kv[1])[: cc.top_title])),
            lead=Vec(dict(sorted(a.lead.items(), key=lambda kv: -kv[1])[: cc.top_lead])),
            ent=Vec(a.ent),
            first_day=a.day,
            last_day=a.day,
            body=1 if a.has_body else 0,
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

    def _join(self, idx: int, a: Prepared) -> None:
        cc = self.cc
        s = self._stories[idx]
        score = s.title.cos(a.tvec) if a.tvec else -1.0
        s.n += 1
        s.full = s.full.add(a.full, cc.top_full)
        s.title = s.title.add(a.tvec, cc.top_title)
        s.lead = s.lead.add(a.lead, cc.top_lead)
        s.ent = s.ent.add(a.ent, cc.top_ent)
        if a.day is not None:
            s.first_day = a.day if s.first_day is None else min(s.first_day, a.day)
            s.last_day = a.day if s.last_day is None else max(s.last_day, a.day)
        s.body += 1 if a.has_body else 0
        if score > s.best_score:  # representative title: the one closest to the others
            s.best_title, s.best_score = a.title, score
        s.articles.append(a.id)
        s.seq = self._seq

    def _place(self, idx: int, a: Prepared) -> str:
        self._assign[a.id] = idx
        if a.family:
            self._family.setdefault(a.family, idx)
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
        """(probability, story index, features) for each candidate story, best first.

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
            x = self.features(a, s)
            out.append((self.prob(x), idx, x))
        out.sort(key=lambda r: -r[0])
        return out

    def add(self, article: Article) -> str:
        """Assign ``article`` to its best story (or a new one); sets and returns ``article.story``."""
        if article.id in self._assign:  # idempotent: re-adding keeps the assignment
            sid = self._stories[self._assign[article.id]].id
            article.story = sid
            return sid
        a = self.prepare(article)
        idx = self._family_story(article)
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
    def maintain(self) -> list[dict]:
        """Merge stories changed since the last call into a more probable story.

        A merge needs P(same) >= threshold + merge_margin, scoring the smaller story's
        centroid as if it were an article. The older story keeps its id; members of the
        absorbed story are reassigned. Returns (and logs) one record per merge.
        """
        actions = []
        margin = self.cc.merge_margin
        for idx in sorted(self._dirty):
            s = self._stories[idx]
            if s is None:
                continue
            a = Prepared(id=s.id, title=s.best_title, full=dict(zip(s.full.t, s.full.w)),
                         tvec=dict(zip(s.title.t, s.title.w)), lead=dict(zip(s.lead.t, s.lead.w)),
                         ent=dict(zip(s.ent.t, s.ent.w)), ent_idf={}, day=s.last_day,
                         has_body=bool(s.body))
            for vec in (a.full, a.tvec, a.lead, a.ent):
                norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
                for k in vec:
                    vec[k] /= norm
            a.ent_idf = {k: self.dfs.idf(k) for k in a.ent}
            a.lead_idf = {k: self.dfs.idf(k) for k in a.lead}
            a.years = frozenset(k for k in a.ent if _is_year(k))
            best = None
            for p, other, x in self.score(a):
                if other != idx and p >= min(0.99, self.threshold_for(x) + margin):
                    best = (p, other)
                    break
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

    def _merge(self, keep: int, gone: int) -> None:
        k, g = self._stories[keep], self._stories[gone]
        cc = self.cc
        k.full = k.full.add(dict(zip(g.full.t, g.full.w)), cc.top_full)
        k.title = k.title.add(dict(zip(g.title.t, g.title.w)), cc.top_title)
        k.lead = k.lead.add(dict(zip(g.lead.t, g.lead.w)), cc.top_lead)
        k.ent = k.ent.add(dict(zip(g.ent.t, g.ent.w)), cc.top_ent)
        k.n += g.n
        k.body += g.body
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
            "version": 1,
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


def _time_key(article: Article) -> tuple:
    return (article.published is None, article.published or "")


def cluster_batch(articles: Sequence[Article], *, config: Any = None,
                  cluster_config: Optional[ClusterConfig] = None) -> list[Story]:
    """Cluster a whole window: the streaming assignment in date order (same features, model
    and thresholds), then merge passes over every story (threshold + ``merge_margin``).

    IDF is *not* fitted on the whole window first: on small windows that makes every shared
    topic word look common and splits stories (tried, see docs/clustering.md)."""
    sc = StreamClusterer(config, cluster_config=cluster_config)
    for art in sorted(articles, key=_time_key):
        sc.add(art)
    for _ in range(3):
        if not sc.maintain():
            break
    assign = sc.assignments()
    for art in articles:
        art.story = assign.get(art.id, art.story)
    return sc.stories()
