"""``newsfold eval summaries FILE``: ROUGE and citation support against reference summaries.

Two layouts:

* **bundled** (Multi-News): one cluster per line, ``{"articles": [{"title", "text"}...],
  "reference_summary": "..."}`` (also: articles under ``documents``/``docs``, bodies under
  ``body``/``content``..., the reference under one of ``REFERENCE_KEYS``);
* **targets + articles** (NeuS): one reference per line, ``{"cluster", "title", "text"}`` (the
  reference is title + text), and the articles in a separate JSONL with a ``cluster`` field
  (``--articles FILE``). Without ``--articles``, a targets file named ``X-targets.jsonl`` finds
  ``X.jsonl`` beside it or in a sibling ``clustering/`` folder.

Each cluster's articles form one story (independent articles). The summary comes from
:func:`newsfold.analyze.summary.summarize` over the story's aligned sentences, with a word budget
(default 250) instead of the 3-8 sentence cap of ``stories.json``. ROUGE-1/2/L F1 x 100 with
Porter stemming (``rouge-score-rs``, else ``rouge-score``: identical scores); ``rougeL`` is the summary-level LCS (rougeLsum, one sentence
per line), as in the published Multi-News numbers. ``citation_support``: share of summary
sentences for which at least one cited article contains the sentence (whitespace- and
case-normalised substring, or >= 80% of its word tokens in that article).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Optional

import numpy as np
from newsfold.ingest.rows import JsonObjects, as_text
from newsfold.ingest.jsonl import BUNDLE_KEYS, TEXT_KEYS


def _norm(t: str) -> str:
    return " ".join(t.split()).casefold()


def supported(sentence: str, article_text: str) -> bool:
    s, a = _norm(sentence), _norm(article_text)
    if s in a:
        return True
    toks = re.findall(r"\w+", s)
    atoks = set(re.findall(r"\w+", a))
    return bool(toks) and sum(t in atoks for t in toks) / len(toks) >= 0.8


def lead_baseline(articles, word_budget: int) -> list[str]:
    """Round-robin lead sentences: the first sentence of each article, then the second..., until
    the word budget is spent (the data README's "lead" reference point)."""
    from newsfold.analyze.sentences import sentences

    per = [[x.text for x in sentences(a.text)] for a in articles]
    out, words = [], 0
    for k in range(max((len(p) for p in per), default=0)):
        for p in per:
            if k < len(p) and words < word_budget:
                out.append(p[k])
                words += len(p[k].split())
    return out


def articles_path(path: Path, articles: Optional[Path] = None) -> Optional[Path]:
    """The articles file of a targets file: ``articles`` if given, else ``X.jsonl`` beside
    ``X-targets.jsonl`` or in a sibling ``clustering/`` folder, else None."""
    if articles is not None:
        return Path(articles)
    path = Path(path)
    if not path.stem.endswith("-targets"):
        return None
    name = path.stem[: -len("-targets")] + path.suffix
    for cand in (path.with_name(name), path.parent.parent / "clustering" / name):
        if cand.exists():
            return cand
    return None


#: where a cluster's reference summary may be, in order (Multi-News: ``reference_summary``;
#: WCEP and others: ``summary``; lists of references: the first)
REFERENCE_KEYS = ("reference_summary", "summary", "reference", "target", "abstract", "highlights",
                  "references", "summaries")


def reference_of(cl: dict) -> str:
    for k in REFERENCE_KEYS:
        v = cl.get(k)
        if isinstance(v, list):
            v = next((x for x in v if isinstance(x, str) and x.strip()), None)
        if isinstance(v, str) and v.strip():
            return v
    return ""


def _text(a: dict) -> str:
    return next((a[k] for k in TEXT_KEYS if isinstance(a.get(k), str) and a[k].strip()), "")


def _clusters(objects: JsonObjects, articles: Optional[Path]):
    """Clusters in the bundled layout: bundled lines pass through; a reference line with a
    ``cluster`` id and no ``articles`` gets that cluster's articles from ``articles``."""
    by_cluster: Optional[dict] = None
    for _, obj in objects:
        if any(obj.get(k) is not None for k in BUNDLE_KEYS) or obj.get("cluster") is None:
            yield obj
            continue
        if by_cluster is None:
            if articles is None:
                raise SystemExit(f"{objects.path}: references name a cluster but carry no articles; "
                                 "give the articles file with --articles")
            by_cluster = {}
            for _, row in JsonObjects(articles):
                if row.get("cluster") is not None:
                    by_cluster.setdefault(str(row["cluster"]), []).append(row)
        ref = " ".join(x for x in (obj.get("title"), obj.get("text")) if isinstance(x, str) and x)
        yield {"articles": by_cluster.get(str(obj["cluster"]), []), "reference_summary": ref}


def evaluate(path: Path, *, word_budget: int = 250, limit: Optional[int] = None,
             articles: Optional[Path] = None) -> dict:
    try:  # the Rust port (newsfold[eval]); same API and scores as Google's rouge-score
        from rouge_score_rs import rouge_scorer
    except ImportError:  # pragma: no cover - fallback
        try:
            from rouge_score import rouge_scorer
        except ImportError as exc:
            raise SystemExit("ROUGE needs: pip install newsfold[eval]") from exc

    from newsfold.analyze.story import source_counter
    from newsfold.analyze.summary import summarize
    from newsfold.model import Article

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    t0 = time.time()
    skipped = 0
    r1, r2, rl = [], [], []
    base: list[tuple[float, float, float]] = []
    cited_ok = cited_total = 0
    n = 0
    objects = JsonObjects(path)
    for cl in _clusters(objects, articles_path(path, articles)):
        docs = next((cl[k] for k in BUNDLE_KEYS if isinstance(cl.get(k), list)), [])
        arts = [Article(id=f"d{i}", text=_text(a), title=as_text(a.get("title")))
                for i, a in enumerate(docs) if isinstance(a, dict)]
        cl = {**cl, "reference_summary": reference_of(cl)}
        if not arts or not cl.get("reference_summary"):
            skipped += 1
            continue
        count = source_counter(arts)
        summ = summarize(arts, count, max_sentences=None, word_budget=word_budget)
        by_id = {a.id: a for a in arts}
        for s in summ:
            cited_total += 1
            cited_ok += any(supported(s.text, by_id[c].text) for c in s.citations if c in by_id)
        pred = "\n".join(s.text for s in summ)
        ref = "\n".join(x.strip() for x in re.split(r"(?<=[.!?])\s+", cl["reference_summary"]))
        sc = scorer.score(ref, pred)
        r1.append(sc["rouge1"].fmeasure)
        r2.append(sc["rouge2"].fmeasure)
        rl.append(sc["rougeLsum"].fmeasure)
        sc = scorer.score(ref, "\n".join(lead_baseline(arts, word_budget)))
        base.append((sc["rouge1"].fmeasure, sc["rouge2"].fmeasure, sc["rougeLsum"].fmeasure))
        n += 1
        if limit and n >= limit:
            break
    return {
        "file": str(path),
        "clusters": n,
        "word_budget": word_budget,
        "rouge1": round(100 * float(np.mean(r1)), 2) if r1 else 0.0,
        "rouge2": round(100 * float(np.mean(r2)), 2) if r2 else 0.0,
        "rougeL": round(100 * float(np.mean(rl)), 2) if rl else 0.0,
        "citation_support": round(cited_ok / cited_total, 4) if cited_total else 0.0,
        # the same budget filled with the articles' leads in turn (first sentences, round-robin)
        "baseline_lead": {k: round(100 * float(np.mean(v)), 2) if base else 0.0
                          for k, v in zip(("rouge1", "rouge2", "rougeL"), zip(*base or [()]))},
        "summary_sentences": cited_total,
        "skipped_lines": skipped + objects.skipped,
        "seconds": round(time.time() - t0, 1),
    }


def eval_summaries_command(gold: Path, *, word_budget: int = 250,
                           articles: Optional[Path] = None) -> dict:
    result = evaluate(Path(gold), word_budget=word_budget, articles=articles)
    print(json.dumps(result))
    return result
