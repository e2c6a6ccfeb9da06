"""``newsfold eval claims FILE``: claim support sets against SummHay insights.

Each haystack's articles form one story (all independent: no family set). The story's claims
come from :func:`newsfold.analyze.claims.build_claims` (the code path of ``analyze_story``).
For each gold insight, the best-matching claim is the one whose text is most similar to the
insight (cosine in the story's own TF-IDF space); its supporting-article set is scored against
the gold ``supporting_doc_ids`` by F1. ``support_f1`` is the mean over insights.

Layout: one haystack per line, ``{"articles": [{"doc_id", "title", "text", "insight_ids"}],
"subtopics": [{"insights": [{"insight_id", "insight", "supporting_doc_ids"}]}]}``; SummHay's own
names are read too (``documents`` / ``document_id`` / ``document_text``), and an insight with no
``supporting_doc_ids`` is supported by the documents that list its id.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Optional

import numpy as np
from newsfold.ingest.rows import JsonObjects, as_text


def _doc_id(doc: dict, k: int) -> str:
    return str(doc.get("doc_id", doc.get("document_id", k)))


def _f1(pred: set, gold: set) -> float:
    tp = len(pred & gold)
    if not tp:
        return 0.0
    p, r = tp / len(pred), tp / len(gold)
    return 2 * p * r / (p + r)


def evaluate(path: Path, *, threshold: Optional[float] = None, limit: Optional[int] = None) -> dict:
    from newsfold.analyze.claims import build_claims
    from newsfold.analyze.story import source_counter
    from newsfold.model import Article

    t0 = time.time()
    skipped = 0
    f1s: list[float] = []
    per_haystack = []
    objects = JsonObjects(path)
    for n, hay in objects:
        if limit and n > limit:  # n is the 1-based line number: the first `limit` lines
            break
        docs = [a for a in (hay.get("articles") or hay.get("documents") or []) if isinstance(a, dict)]
        arts = [Article(id=_doc_id(a, k), text=as_text(a.get("text")) or as_text(a.get("document_text")) or "",
                        title=as_text(a.get("title")))
                for k, a in enumerate(docs)]
        # an insight without its supporting set: the documents that list it
        listed: dict[str, set] = {}
        for k, a in enumerate(docs):
            for iid in _listed(a.get("insight_ids") or a.get("insights_included")):
                listed.setdefault(str(iid), set()).add(_doc_id(a, k))
        if not arts:
            skipped += 1
            continue
        kw = {} if threshold is None else {"threshold": threshold}
        claims, drafts, al = build_claims(arts, source_counter(arts), **kw)
        if not claims:
            continue
        C = al.vectorizer.transform([c.text for c in claims])
        local = []
        for sub in _objects(hay.get("subtopics")):
            for ins in _objects(sub.get("insights")):
                gold = set(_listed(ins.get("supporting_doc_ids"))) or \
                    listed.get(str(ins.get("insight_id")), set())
                if not gold:
                    continue
                q = al.vectorizer.transform([as_text(ins.get("insight")) or ""])
                sims = (C @ q.T).toarray().ravel()
                best = int(np.argmax(sims))
                local.append(_f1(set(claims[best].articles), gold))
        f1s.extend(local)
        per_haystack.append({"id": hay.get("cluster_id"), "insights": len(local),
                             "claims": len(claims),
                             "support_f1": round(float(np.mean(local)), 4) if local else 0.0})
    return {
        "file": str(path),
        "haystacks": len(per_haystack),
        "insights": len(f1s),
        "support_f1": round(float(np.mean(f1s)), 4) if f1s else 0.0,
        "per_haystack": per_haystack,
        "skipped_lines": skipped + objects.skipped,
        "seconds": round(time.time() - t0, 1),
    }


def _listed(value) -> list[str]:
    """Ids given as a list (or one id alone); anything else lists none."""
    items = value if isinstance(value, list) else [value] if isinstance(value, (str, int)) else []
    return [str(x) for x in items if isinstance(x, (str, int)) and not isinstance(x, bool)]


def _objects(value) -> list[dict]:
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def eval_claims_command(gold: Path) -> dict:
    result = evaluate(Path(gold))
    print(json.dumps(result))
    return result
