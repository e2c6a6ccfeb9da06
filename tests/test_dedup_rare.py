"""Rewrite candidates from shared rare words (newsfold/dedup/rare.py): the frequency table,
the sketches, the pair counting against brute force, and what they add to fold on a generated
corpus larger than the document-neighbour limit."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from newsfold.dedup import rare
from newsfold.dedup.families import DedupConfig, fold
from newsfold.model import Article

NONE = np.iinfo(np.uint64).max


def test_frequency_equals_binary_search_with_shared_slots():
    rng = np.random.default_rng(0)
    low = np.uint64((1 << rare.RareVocab.BITS) - 1)
    base = rng.integers(0, 2**63, 3000, dtype=np.uint64)
    # words that share their low bits with another sample word (the table's fallback path)
    twins = (base[:200] & low) | (rng.integers(1, 2**40, 200, dtype=np.uint64) << np.uint64(rare.RareVocab.BITS))
    words = np.unique(np.concatenate((base, twins)))
    df = rng.integers(1, 50, words.size)
    v = rare.RareVocab(words, df, 1000)
    assert (v._slot == -2).any()
    query = np.concatenate((words, rng.integers(0, 2**63, 2000, dtype=np.uint64), twins))
    pos = np.minimum(np.searchsorted(words, query), words.size - 1)
    expected = np.where(words[pos] == query, df[pos], 0)
    assert np.array_equal(v.frequency(query), expected)
    assert not v.frequency(query[:0]).size


def test_sketch_keeps_the_rarest_words_then_the_smallest_hashes():
    w = np.array([10, 20, 30, 40, 50, 60], dtype=np.uint64) << np.uint64(8)
    v = rare.RareVocab(w, np.array([1, 9, 2, 1, 500, 3]), 1000)  # limit 0.01 * 1000 = 10
    unseen = np.array([7 << 8, 99 << 8], dtype=np.uint64)  # frequency 0: the rarest
    doc0 = np.concatenate((w, unseen, w[:2]))  # repeats count once
    doc1 = w[4:5]  # only a common word (500 > 10)
    sk = rare.sketches(np.concatenate((doc0, doc1)), np.array([doc0.size, doc1.size]), v, 4, 0.01)

    def val(word, f):
        return (np.uint64(f) << np.uint64(59)) | (np.uint64(word) >> np.uint64(5))

    assert sk[0].tolist() == [val(7 << 8, 0), val(99 << 8, 0), val(10 << 8, 1), val(40 << 8, 1)]
    assert (sk[1] == NONE).all()


def _brute(sk: np.ndarray, min_shared: int, group_max: int) -> set:
    values = {}
    for i, row in enumerate(sk):
        for x in set(row.tolist()) - {int(NONE)}:
            values.setdefault(x, []).append(i)
    shared = {}
    for docs in values.values():
        if 2 <= len(docs) <= group_max:
            for a, b in itertools.combinations(sorted(docs), 2):
                shared[(a, b)] = shared.get((a, b), 0) + 1
    return {p for p, c in shared.items() if c >= min_shared}


@pytest.mark.parametrize("min_shared,group_max", [(1, 64), (2, 5), (3, 64)])
def test_candidate_pairs_equal_brute_force(min_shared, group_max):
    rng = np.random.default_rng(min_shared)
    sk = np.full((120, 6), NONE, dtype=np.uint64)
    for i in range(120):  # distinct values per row from a small pool, some rows short
        k = int(rng.integers(0, 7))
        sk[i, :k] = np.sort(rng.choice(40, size=k, replace=False)).astype(np.uint64)
    got = rare.candidate_pairs(sk, min_shared, group_max)
    assert {tuple(p) for p in got.tolist()} == _brute(sk, min_shared, group_max)
    assert (got[:, 0] < got[:, 1]).all() if len(got) else True


@pytest.mark.slow
def test_rare_words_find_rewrites_banding_missed(tmp_path):
    """A generated corpus over the document-neighbour limit: heavy rewrites (word 5-gram
    Jaccard ~0.06) are mostly missed by banding alone and found with the rare-word candidates,
    with no wrong family pair and no templated report placed."""
    from bench.dedup.generate import generate
    from newsfold.eval.dedup import score

    rows = generate(2600, seed=5)
    found = {}
    for k in (0, 16):
        arts = [Article(id=r["id"], text=r["text"], source=r.get("source"), published=r.get("date")) for r in rows]
        dc = DedupConfig()
        dc.rare_k = k
        assert len(arts) > dc.knn_limit
        fold(arts, config=dc)
        res = score([r["family"] for r in rows], [r["type"] for r in rows], [a.family for a in arts],
                    [r["relation"] for r in rows], [a.relation for a in arts], [r["origin"] for r in rows],
                    [r["id"] for r in rows])
        bt = res["by_type"]
        assert res["pairwise"]["precision"] == 1.0, json.dumps(res)[:400]
        assert bt["templated"]["in_family"] == 0
        found[k] = bt["heavy_rewrite"]["origin_recall"]
    assert found[16] >= 0.75 and found[16] > found[0] + 0.3, found


def test_low_overlap_rewrite_needs_more_alignment():
    from newsfold.dedup.rewrite import LINK_MIN, LOW_OVERLAP_SHARE, is_rewrite

    assert is_rewrite(2, 2, 30)  # all of a two-sentence text: enough when wording is shared
    assert not is_rewrite(2, 2, 30, low_overlap=True)  # not when alignment is all the evidence
    assert is_rewrite(9, 40, 50) and not is_rewrite(9, 40, 50, low_overlap=True)  # 22% of the shorter
    assert not is_rewrite(LINK_MIN - 1, 3, 3, low_overlap=True)
    assert is_rewrite(9, 20, 18, low_overlap=True) and 9 / 18 >= LOW_OVERLAP_SHARE


def test_low_overlap_rewrite_covers_both_articles():
    """When alignment is all the evidence, a short report whose sentences all find a match in a
    long one is not a rewrite of it: independent reports of one event share facts."""
    from newsfold.dedup.rewrite import is_rewrite

    assert is_rewrite(6, 13, 55) and not is_rewrite(6, 13, 55, low_overlap=True)  # 46% of one, 11% of the other
    assert is_rewrite(9, 18, 20, low_overlap=True)  # the seeds' heavy rewrite: 45% of the longer


@pytest.mark.slow
def test_independent_reports_of_one_event_are_rarely_rewrites(data_dir):
    """Multi-News validation: each cluster is one event reported by several outlets, folded as
    one small batch (the document-neighbour path, where pairs sharing almost no wording are
    aligned). Independent reports share names and topic, so a loose alignment rule linked
    ~10% of these articles as rewrites of another outlet's report (71 of 690), a rule on the
    shorter article's aligned share 19, the rule on both articles' shares 3; few may be."""
    rows = [json.loads(line) for line in open(data_dir / "summaries" / "multinews-val.jsonl")]
    n = low = 0
    for r in rows:
        arts = [Article(id=str(k), text=a["text"] or "") for k, a in enumerate(r["articles"])]
        fold(arts)
        n += len(arts)
        low += sum(a.relation in ("rewrite", "embellished") and a.similarity["jaccard"] < 0.05 for a in arts)
    assert n > 500
    assert low / n <= 0.02, (low, n)


@pytest.mark.slow
def test_real_text_corpus(data_dir):
    """Copies planted in real news bodies by other edit operations than the synthetic
    generator's (bench/dedup/realtext.py), 813 articles: every copy type is found, templated
    reports (one original's names and numbers all replaced) stay apart, and real reports of
    different events are never put in one family."""
    from bench.dedup.realtext import build, real_event_scores
    from newsfold.eval.dedup import score

    rows = build(data_dir, seed=0, max_originals=400)
    arts = [Article(id=r["id"], text=r["text"], source=r["source"], published=r.get("date")) for r in rows]
    fold(arts)
    pred = [a.family or a.id for a in arts]
    res = score([r["family"] for r in rows], [r["type"] for r in rows], pred, [r["relation"] for r in rows],
                [a.relation for a in arts], [r["origin"] for r in rows], [r["id"] for r in rows])
    bt = res["by_type"]
    for t in ("wire_copy", "light_edit", "added_boilerplate", "truncated", "paraphrase", "chain"):
        assert bt[t]["origin_recall"] >= 0.95, (t, bt[t])
    assert bt["heavy_rewrite"]["origin_recall"] >= 0.85, bt["heavy_rewrite"]
    assert bt["templated"]["articles"] > 20 and bt["templated"]["in_family"] <= 0.01, bt["templated"]
    ev = real_event_scores(rows, pred)
    assert ev["real_originals_linked"]["different_events"] <= 1, ev
    assert ev["precision_same_event_unscored"] >= 0.97, ev
    assert res["relation_accuracy"] >= 0.8, res["relation_accuracy"]


def test_outlet_from_url_when_no_source(data_dir, tmp_path):
    """A feed without a source field still names its outlets in its URLs: their header and
    footer are learnt per host, and the families are those of the same feed with sources."""
    from bench.dedup.realtext import build
    from newsfold.dedup.corpus import JsonlCorpus
    from newsfold.dedup.families import outlet_of

    rows = build(data_dir, seed=0, max_originals=150)
    by_source = [Article(id=r["id"], text=r["text"], source=r["source"], published=r.get("date")) for r in rows]
    by_url = [Article(id=r["id"], text=r["text"], url=f"https://www.{r['source']}/news/{r['id']}",
                      published=r.get("date")) for r in rows]
    bare = [Article(id=r["id"], text=r["text"], published=r.get("date")) for r in rows]
    assert outlet_of(by_url[0]) == rows[0]["source"] and outlet_of(bare[0]) is None
    for arts in (by_source, by_url, bare):
        fold(arts)
    assert [a.family for a in by_url] == [a.family for a in by_source]
    # without either, the boilerplate is learnt from the heads and tails that unrelated
    # articles share (before: each outlet's masthead and footer sentences aligned as a
    # "rewrite" and joined unrelated reports)
    from bench.dedup.realtext import real_event_scores

    ev = real_event_scores(rows, [a.family or a.id for a in bare])
    ev_src = real_event_scores(rows, [a.family or a.id for a in by_source])
    assert ev["real_originals_linked"]["different_events"] == 0, ev
    assert ev["precision_same_event_unscored"] >= ev_src["precision_same_event_unscored"] - 0.01, (ev, ev_src)
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps({"id": r["id"], "text": r["text"], "url": f"https://{r['source']}/a"}) + "\n"
                            for r in rows[:3]))
    assert [rec.source for rec in JsonlCorpus(path).records] == [r["source"] for r in rows[:3]]


@pytest.mark.slow
def test_real_text_corpus_as_web_pages(data_dir, tmp_path):
    """The same corpus written as its outlets' web pages (masthead, menu, byline, footer,
    "more stories" box) and taken through newsfold's own ingest and clean stages before
    folding: the product's path."""
    from bench.dedup.realtext import build, score_html

    rows = build(data_dir, seed=0, max_originals=150)
    res = score_html(rows, tmp_path / "pages")
    assert res["pages"] == {"written": len(rows), "articles": len(rows), "errors": 0}
    bt = res["by_type"]
    for t in ("wire_copy", "light_edit", "added_boilerplate", "truncated", "paraphrase"):
        assert bt[t]["origin_recall"] >= 0.95, (t, bt[t])
    assert bt["templated"]["in_family"] <= 0.01, bt["templated"]
    assert res["real_events"]["real_originals_linked"]["different_events"] <= 1, res["real_events"]
