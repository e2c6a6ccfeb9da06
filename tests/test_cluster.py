"""Story clustering on real inputs: seeds, a same-type-events fixture, ECB+ and NeuS."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys

import pytest

from newsfold.config import Config
from newsfold.cluster import StreamClusterer, cluster_batch
from newsfold.cluster.cli import article_from_row, read_jsonl
from newsfold.model import time_key as _time_key
from newsfold.model import Article


def _seed_articles(seeds_dir):
    try:
        from newsfold.config import Config
        from newsfold.stages import ingest_and_clean, split_errors

        arts, _ = split_errors(ingest_and_clean([str(seeds_dir)], config=Config(detect_language=False)))
        if arts:
            return arts
    except Exception:  # ingest not available: read the seed files directly
        pass
    arts = []
    for p in sorted(seeds_dir.glob("*.txt")):
        lines = [ln for ln in p.read_text().splitlines() if ln.strip()]
        body = [ln for ln in lines if not ln.strip().startswith("date ")]
        arts.append(Article(id=p.stem, title=body[0], text="\n".join(body[1:])))
    return arts


def _events(fixtures_dir):
    arts, problems = read_jsonl(fixtures_dir / "cluster" / "events.jsonl")
    assert not problems
    return arts


def _gold(fixtures_dir):
    rows = [json.loads(l) for l in open(fixtures_dir / "cluster" / "events.jsonl")]
    return {r["id"]: r["cluster"] for r in rows}


def _stream(arts, **kw):
    sc = StreamClusterer(**kw)
    for a in sorted(arts, key=_time_key):
        sc.add(a)
    return sc


def test_seeds_form_one_story(seeds_dir):
    arts = _seed_articles(seeds_dir)
    assert len(arts) == 5
    sc = _stream(arts)
    assert len({a.story for a in arts}) == 1
    (story,) = sc.stories()
    assert sorted(story.articles) == sorted(a.id for a in arts)
    assert story.title  # a real headline, not empty
    stories = cluster_batch(arts)
    assert len(stories) == 1


def test_same_type_events_do_not_merge(fixtures_dir):
    arts = _events(fixtures_dir)
    gold = _gold(fixtures_dir)
    _stream(arts)
    by_gold = {}
    for a in arts:
        by_gold.setdefault(gold[a.id], set()).add(a.story)
    # each earthquake is one story, and the two earthquakes are different stories
    assert len(by_gold["eq-sumatra"]) == 1 and len(by_gold["eq-oaxaca"]) == 1
    assert by_gold["eq-sumatra"] != by_gold["eq-oaxaca"]


def test_storyline_links_rounds_of_talks_without_merging(fixtures_dir):
    arts = _events(fixtures_dir)
    sc = _stream(arts)
    by_id = {a.id: a for a in arts}
    assert by_id["tk-1"].story != by_id["tk-2"].story
    lines = {s.id: s.storyline for s in sc.stories()}
    assert lines[by_id["tk-1"].story] is not None
    assert lines[by_id["tk-1"].story] == lines[by_id["tk-2"].story]
    # unrelated stories are not pulled into that storyline
    assert lines[by_id["eq-a1"].story] != lines[by_id["tk-1"].story]


def test_story_ids_are_stable_and_derived_from_first_article(fixtures_dir):
    arts = _events(fixtures_dir)
    sc = StreamClusterer()
    first = sc.add(arts[0])
    assert first.startswith("s-")
    for a in arts[1:]:
        sc.add(a)
    assert arts[0].story == first == sc.story_of(arts[0].id)
    # re-adding an article is idempotent
    assert sc.add(arts[0]) == first
    # the same input in another run gives the same ids
    again = _events(fixtures_dir)
    _stream(again)
    assert [a.story for a in again] == [a.story for a in sorted(arts, key=lambda a: [x.id for x in again].index(a.id))]


def test_copy_joins_its_family_story(fixtures_dir):
    arts = _events(fixtures_dir)
    sc = _stream(arts)
    origin = next(a for a in arts if a.id == "eq-a1")
    # a "copy" whose text is about something else still joins its origin's story
    copy = Article(id="copy-1", title="Weather: sunny spells for the weekend",
                   text="Sunny spells and light winds are expected across the region.",
                   family="eq-a1", origin="eq-a1", relation="copy")
    assert sc.add(copy) == origin.story
    stray = Article(id="stray-1", title="Weather: sunny spells for the weekend",
                    text="Sunny spells and light winds are expected across the region.")
    assert sc.add(stray) != origin.story


def test_state_round_trip_resumes_identically(fixtures_dir, tmp_path):
    arts = _events(fixtures_dir)
    head, tail = arts[:3], arts[3:]
    a = _stream(head)
    state = pickle.dumps(a.state_dict())
    b = StreamClusterer.from_state(pickle.loads(state))
    c = pickle.loads(pickle.dumps(a))
    for art in tail:
        x = article_from_row(art.to_dict(), 0)
        y = article_from_row(art.to_dict(), 0)
        assert a.add(art) == b.add(x) == c.add(y)
    assert [s.to_dict() for s in a.stories()] == [s.to_dict() for s in b.stories()]


def test_maintain_merges_and_reports(fixtures_dir):
    arts = _events(fixtures_dir)
    # force every article into its own story, then let maintain() merge the obvious pairs
    sc = StreamClusterer(cluster_config=__import__("newsfold.cluster.stream", fromlist=["x"]).ClusterConfig(threshold=1.01, merge_margin=0.0))
    sc.thresholds = {"short": 1.01, "body": 1.01}
    for a in arts:
        sc.add(a)
    assert len(sc.stories()) == len(arts)
    sc.thresholds = {"short": 0.5, "body": 0.5}
    sc.threshold = 0.5
    actions = sc.maintain()
    assert actions and all(r["action"] == "merge" for r in actions)
    gold = _gold(fixtures_dir)
    for s in sc.stories():  # merges never mix the two earthquakes
        assert len({gold[i] for i in s.articles if i.startswith("eq")}) <= 1
    kept = {r["kept"] for r in actions}
    assert kept <= {s.id for s in sc.stories()}


def test_cli_never_reads_gold_fields(fixtures_dir, tmp_path):
    src = fixtures_dir / "cluster" / "events.jsonl"
    rows = [json.loads(l) for l in open(src)]
    poisoned = tmp_path / "poisoned.jsonl"
    with open(poisoned, "w") as fh:
        for i, r in enumerate(rows):  # misleading gold labels must change nothing
            fh.write(json.dumps({**r, "cluster": "x", "topic": str(i), "split": "dev"}) + "\n")
    outs = []
    for path in (src, poisoned):
        out = tmp_path / (path.stem + ".out.jsonl")
        subprocess.run([sys.executable, "-m", "newsfold", "cluster", str(path), "-o", str(out)],
                       check=True, capture_output=True)
        outs.append([json.loads(l) for l in open(out)])
    assert outs[0] == outs[1]
    assert [o["id"] for o in outs[0]] == [r["id"] for r in rows]
    assert len({o["story"] for o in outs[0]}) >= 4


def test_eval_command_prints_all_metrics(fixtures_dir):
    res = subprocess.run([sys.executable, "-m", "newsfold", "eval", "clustering",
                          str(fixtures_dir / "cluster" / "events.jsonl")],
                         check=True, capture_output=True, text=True)
    out = json.loads(res.stdout.strip().splitlines()[-1])
    for k in ("pairwise_precision", "pairwise_recall", "pairwise_f1", "bcubed_precision",
              "bcubed_recall", "bcubed_f1", "ari", "predicted_stories", "gold_stories", "n_articles"):
        assert k in out
    assert out["gold_stories"] == 4 and out["n_articles"] == 6
    assert out["pairwise_precision"] == 1.0  # the two earthquakes never merge


def test_a_row_that_holds_no_article_is_not_clustered(fixtures_dir, tmp_path):
    """Crawled collections keep crawl notices under articles' URLs (Multi-News validation:
    35 of 690 "articles", identical across unrelated stories). `newsfold run` drops them at
    cleaning; the stage commands, which take texts as given, put the identical notices of two
    stories in one story and so joined those stories (Multi-News pairwise P 0.59, with them
    left out 0.73)."""
    rows = [json.loads(l) for l in open(fixtures_dir / "cluster" / "events.jsonl")]
    notice = ("Starting in 1996, Alexa Internet has been donating their crawl data to the "
              "Internet Archive. Flowing in every day, these data are added to the Wayback "
              "Machine after an embargo period.")
    stories = sorted({r["cluster"] for r in rows})[:2]
    rows += [{"id": f"notice-{k}", "title": None, "text": notice, "cluster": c} for k, c in enumerate(stories)]
    path = tmp_path / "with_notices.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out.jsonl"
    res = subprocess.run([sys.executable, "-m", "newsfold", "cluster", str(path), "-o", str(out)],
                         check=True, capture_output=True, text=True)
    lines = {o["id"]: o for o in map(json.loads, open(out))}
    assert [o["id"] for o in lines.values()] == [r["id"] for r in rows]
    for k in range(2):
        assert lines[f"notice-{k}"] == {"id": f"notice-{k}", "story": None, "not_an_article": "archive"}
    assert all(o["story"] for i, o in lines.items() if not i.startswith("notice"))
    assert "holds no article (archive page)" in res.stderr
    res = subprocess.run([sys.executable, "-m", "newsfold", "eval", "clustering", str(path)],
                         check=True, capture_output=True, text=True)
    scores = json.loads(res.stdout.strip().splitlines()[-1])
    assert scores["n_articles"] == len(rows) and scores["not_articles"] == 2
    assert scores["pairwise_precision"] == 1.0


@pytest.mark.slow
def test_ecbplus_dev_quality(data_dir):
    from newsfold.eval.clustering import evaluate_rows

    rows = [json.loads(l) for l in open(data_dir / "clustering" / "ecbplus-dev.jsonl")]
    r = evaluate_rows(rows, mode="stream")
    # far above "everything in its topic" and "all singletons"; see docs/clustering.md
    # member-level average link trades some precision for recall (P ~0.79, R ~0.77): the bar is
    # on F1 (raised from 0.70) and precision stays well above merge-everything
    assert r["pairwise_precision"] >= 0.75 and r["pairwise_f1"] >= 0.75
    assert r["predicted_stories"] >= r["gold_stories"] // 2


def test_eval_clustering_by_default_does_not_depend_on_the_files_order(data_dir, tmp_path):
    """NeuS lists each story's three articles together. Taken one at a time in that order (the
    stream), the partners arrive together; shuffled, they arrive thousands of articles apart,
    beyond the stream's window passes: on the whole file the stream scored 0.576 in file order
    and 0.381 shuffled. `newsfold eval clustering` (and `newsfold cluster`) now default to
    batch, which sees the whole file: the same score either way."""
    import random

    from typer.testing import CliRunner

    from newsfold.cli import app

    rows = [json.loads(l) for l in open(data_dir / "clustering" / "neus-train.jsonl")][:3000]
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    f1 = []
    for name, part in (("file", rows), ("shuffled", shuffled)):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in part))
        res = CliRunner().invoke(app, ["eval", "clustering", str(path)])
        assert res.exit_code == 0, res.output
        f1.append(json.loads(res.stdout[res.stdout.index("{"):])["pairwise_f1"])
    assert f1[0] >= 0.55
    assert abs(f1[0] - f1[1]) <= 0.01


def test_window_pass_reads_the_stories_own_articles_when_partners_arrive_far_apart(data_dir):
    """1,500 NeuS rows shuffled: a story's articles arrive hundreds of articles apart, beyond
    a 300-article window pass. A pass over recent arrivals alone pulls each article whose
    story began earlier into whatever recent articles resemble it; with the stories' own
    recent articles in the window it judges whole stories."""
    import random

    from newsfold.cluster.stream import ClusterConfig, cluster_stream
    from newsfold.eval.metrics import pairwise

    rows = [json.loads(l) for l in open(data_dir / "clustering" / "neus-train.jsonl")][:1500]
    random.Random(7).shuffle(rows)
    gold = [r["cluster"] for r in rows]
    f1 = {}
    for ctx in (0, 8):
        arts = [article_from_row(r, i) for i, r in enumerate(rows, 1)]
        cc = ClusterConfig(recluster_window=300, recluster_every=150, recluster_context=ctx)
        sc = cluster_stream(arts, cluster_config=cc)
        f1[ctx] = pairwise(gold, [sc.story_of(a.id) for a in arts])["f1"]
        if ctx:
            ids = sc.window_ids(300)
            assert len(ids) == len(set(ids)) <= 600
            recent = sc.recent_ids(300)
            assert ids[:300] == recent
            # every extra article shares a story with a recent one
            stories = {sc.story_of(x) for x in recent}
            assert all(sc.story_of(x) in stories for x in ids[300:])
    assert f1[8] >= f1[0] + 0.08
    assert f1[8] >= 0.65


def test_larger_window_passes_are_more_precise_on_a_dated_full_text_feed(data_dir, tmp_path):
    """Why the stream's window pass reads 5,000 articles (it read 2,000): the window model's
    precision grows with the articles a window holds. On a feed dated like a live one
    (ECB+ and Multi-News full texts, each story a few days of 60; bench/cluster/dated_feed.py)
    passes over 500 articles every 250 adds are more precise than passes over 200 every 100
    and score higher, for about the same work per added article. At full size (11,529
    articles) the default went 0.757 -> 0.805 pairwise F1 (docs/clustering.md)."""
    from bench.cluster.dated_feed import main
    from newsfold.cluster.calibrate import multinews_rows
    from newsfold.cluster.stream import ClusterConfig, cluster_stream
    from newsfold.eval.metrics import pairwise

    mn = tmp_path / "mn.jsonl"
    mn.write_text("".join(json.dumps(r) + "\n" for r in
                          multinews_rows(data_dir / "summaries" / "multinews-val.jsonl")))
    feed = tmp_path / "feed.jsonl"
    main([f"{data_dir / 'clustering' / 'ecbplus-dev.jsonl'}:cluster", f"{mn}:cluster",
          "--out", str(feed), "--days", "60", "--seed", "0"])
    rows = [json.loads(l) for l in open(feed)]
    assert len(rows) > 1_400
    gold = [r.pop("cluster") for r in rows]
    got = {}
    for window in (200, 500):
        arts = [article_from_row(r, i) for i, r in enumerate(rows, 1)]
        sc = cluster_stream(arts, cluster_config=ClusterConfig(recluster_window=window,
                                                               recluster_every=window // 2))
        got[window] = pairwise(gold, [sc.story_of(a.id) for a in arts])
    assert got[500]["precision"] >= got[200]["precision"] + 0.01
    assert got[500]["f1"] >= got[200]["f1"] + 0.005


def test_pair_model_has_no_story_level_feature():
    from newsfold.cluster.stream import FEATURES

    # pairs of articles only: a story-size feature would encode one data set's size prior
    assert not any("size" in f or "story" in f for f in FEATURES)


def test_average_link_merges_dense_groups_not_weak_bridges():
    from newsfold.cluster.stream import _average_link

    edges = {(0, 1): 0.9, (0, 2): 0.8, (1, 2): 0.85,  # group A
             (3, 4): 0.9,  # group B
             (2, 3): 0.6, (1, 3): 0.05, (0, 3): 0.05, (2, 4): 0.1}  # one fairly strong bridge
    labels = _average_link(6, edges, 0.5)
    assert labels[0] == labels[1] == labels[2]
    assert labels[3] == labels[4] != labels[0]
    assert labels[5] not in (labels[0], labels[3])  # no scored pair: stays alone
    # a must-link (copy) always joins, whatever the probabilities
    assert _average_link(6, edges, 0.5, must=[(5, 0)])[5] == labels[0]


def test_batch_average_link_keeps_events_apart_and_copies_with_family(fixtures_dir):
    arts = _events(fixtures_dir)
    gold = _gold(fixtures_dir)
    copy = Article(id="copy-1", title="Weather: sunny spells for the weekend",
                   text="Sunny spells and light winds are expected across the region.",
                   family="eq-a1", origin="eq-a1", relation="copy")
    cluster_batch(arts + [copy])
    by_gold = {}
    for a in arts:
        by_gold.setdefault(gold[a.id], set()).add(a.story)
    assert by_gold["eq-sumatra"] != by_gold["eq-oaxaca"]
    assert copy.story == next(a for a in arts if a.id == "eq-a1").story


def test_state_stays_under_2kib_per_article(data_dir):
    rows = [json.loads(l) for l in open(data_dir / "clustering" / "ecbplus-dev.jsonl")][:300]
    arts = [article_from_row(r, i) for i, r in enumerate(rows, 1)]
    sc = _stream(arts)
    per_article = len(pickle.dumps(sc.state_dict(), protocol=pickle.HIGHEST_PROTOCOL)) / len(arts)
    assert per_article <= 2048
    # large stories keep only their most recent members for scoring
    assert all(len(s.members) <= sc.cc.members for s in sc._stories if s is not None)


def test_batch_bigger_than_one_window_is_clustered_in_overlapping_windows(fixtures_dir):
    """Above ``max_batch`` the window model runs over overlapping date-ordered windows
    (here three: Sumatra + Oaxaca's first report; Oaxaca + the first talks; the two rounds of
    talks). A story cut by a window edge is one story, named after its first article, and
    the rounds of talks still share a storyline."""
    from newsfold.cluster.stream import _sid

    arts = _events(fixtures_dir)
    gold = _gold(fixtures_dir)
    stories = cluster_batch(arts, max_batch=3)
    assert {a.story for a in arts} == {s.id for s in stories}
    assert sorted(i for s in stories for i in s.articles) == sorted(a.id for a in arts)
    by_gold = {}
    for a in arts:
        by_gold.setdefault(gold[a.id], set()).add(a.story)
    assert by_gold == {"eq-sumatra": {_sid("eq-a1")}, "eq-oaxaca": {_sid("eq-b1")},
                       "talks-1": {_sid("tk-1")}, "talks-2": {_sid("tk-2")}}
    line = {s.id: s.storyline for s in stories}
    assert line[_sid("tk-1")] is not None and line[_sid("tk-1")] == line[_sid("tk-2")]
    assert line[_sid("eq-a1")] != line[_sid("tk-1")]


def test_window_edges_cover_everything_with_the_overlap():
    from newsfold.cluster.stream import _chunks

    for n, chunk, overlap in [(10, 20, 5), (21, 20, 5), (50_000, 20_000, 5_000), (101, 20, 5), (40, 20, 0)]:
        edges = _chunks(n, chunk, overlap)
        assert edges[0][0] == 0 and edges[-1][1] == n
        assert all(0 < e - s <= chunk for s, e in edges)
        assert all(b[0] == a[1] - overlap for a, b in zip(edges, edges[1:]))
    assert _chunks(50_000, 20_000, 5_000) == [(0, 20_000), (15_000, 35_000), (30_000, 50_000)]


def test_big_batch_keeps_most_of_one_windows_quality_on_ecbplus(data_dir, monkeypatch):
    """ECB+ (shuffled, so that file order tells nothing) in windows of at most 300 articles
    scores near one window over the whole file. Before, batch mode above ``max_batch``
    streamed the articles one at a time (with window passes): on 12,301 real articles in
    windows of 5,000 that scored 0.64 / 0.33 / 0.37 pairwise F1 on the ECB+ / NeuS /
    real-text parts against 0.78 / 0.40 / 0.56 now (docs/clustering.md)."""
    import random

    from newsfold.cluster import window as W
    from newsfold.eval.metrics import pairwise

    rows = [json.loads(l) for l in open(data_dir / "clustering" / "ecbplus-dev.jsonl")]
    random.Random(7).shuffle(rows)
    gold = [r["cluster"] for r in rows]
    f1 = {}
    sizes = []
    real = W.cluster_window

    def spy(articles, *a, **kw):
        sizes.append(len(articles))
        return real(articles, *a, **kw)

    for name, limit in (("one", None), ("windows", 300)):
        arts = [article_from_row(r, i) for i, r in enumerate(rows, 1)]
        sizes.clear()
        monkeypatch.setattr(W, "cluster_window", spy)
        cluster_batch(arts, max_batch=limit)
        monkeypatch.setattr(W, "cluster_window", real)
        f1[name] = pairwise(gold, [a.story for a in arts])["f1"]
    assert max(sizes) <= 300 and sum(sizes) >= len(rows)  # windows, overlapping, cover all
    assert f1["one"] >= 0.85
    assert f1["windows"] >= f1["one"] - 0.08


def test_window_model_matches_its_features():
    from newsfold.cluster.stream import load_model
    from newsfold.cluster.window import WINDOW_FEATURES

    w = load_model()["window"]
    assert w["features"] == list(WINDOW_FEATURES)
    assert len(w["coef"]) == len(WINDOW_FEATURES)
    assert 0.0 < w["threshold"] < 1.0
    assert not any("size" in f or "story" in f for f in WINDOW_FEATURES)


def test_window_candidates_are_ranked_nearest_neighbours(fixtures_dir):
    from newsfold.cluster import window as W

    arts = _events(fixtures_dir)
    gold = _gold(fixtures_dir)
    w = W.build(arts)
    i, j, r_ij, r_ji = W.candidate_pairs(w, neighbours=2)
    assert (i < j).all() and len(set(zip(i.tolist(), j.tolist()))) == len(i)
    # every article has its nearest neighbour at rank 1, and ranks beyond the list are "missing"
    for a in range(len(arts)):
        mine = [(r_ij[k] if i[k] == a else r_ji[k]) for k in range(len(i)) if a in (i[k], j[k])]
        assert 1 in mine and max(mine) <= 3
    # the two earthquakes' reports (same type of event) have their nearest neighbour in their
    # own event (the two rounds of talks are one storyline, so either round may be nearest)
    for k in range(len(i)):
        if r_ij[k] == 1 and gold[arts[i[k]].id].startswith("eq-"):
            assert gold[arts[i[k]].id] == gold[arts[j[k]].id]
    X = W.pair_features(w, i, j, r_ij, r_ji)
    assert X.shape == (len(i), len(W.WINDOW_FEATURES))
    # exactly one length regime is active per pair
    k = len(W.BASE)
    active = [(X[:, r * k:(r + 1) * k] != 0).any(axis=1) for r in range(3)]
    assert ((sum(a.astype(int) for a in active)) <= 1).all()


def test_window_candidates_are_each_articles_best_by_a_plain_dense_product(data_dir, monkeypatch):
    """The neighbour search splits the product into dense common terms and sparse rare ones
    and picks a block's top neighbours at once; a plain dense product over 300 ECB+ articles,
    neighbours picked one row at a time, gives the same pairs and ranks (blocks of 7 rows, so
    a window spans many blocks)."""
    import numpy as np

    from newsfold.cluster import window as W

    rows = [json.loads(l) for l in open(data_dir / "clustering" / "ecbplus-dev.jsonl")][:300]
    w = W.build([article_from_row(r, i) for i, r in enumerate(rows, 1)])
    sim = w.full.toarray().astype(np.float64) @ w.full.toarray().T.astype(np.float64)
    sim += w.ent.toarray() @ w.ent.toarray().T
    k = 10
    want = {}
    for a in range(len(rows)):
        row = sim[a].copy()
        row[a] = 0.0
        cols = [c for c in np.argsort(-row, kind="stable")[:k] if row[c] > 0]
        for rank, c in enumerate(cols, 1):
            want[(a, int(c))] = rank
    monkeypatch.setattr(W, "DENSE_DF_SHARE", 0.01)  # many terms on the dense side
    i, j, r_ij, r_ji = W.candidate_pairs(w, neighbours=k, block=7)
    got = {}
    for a, b, x, y in zip(i.tolist(), j.tolist(), r_ij.tolist(), r_ji.tolist()):
        if x <= k:
            got[(a, b)] = x
        if y <= k:
            got[(b, a)] = y
    # float32 sums in another order may swap near-equal neighbours: allow a handful
    assert len(set(got) ^ set(want)) <= 4
    assert sum(got[p] != want[p] for p in set(got) & set(want)) <= 8
    assert len(want) > 2000


def test_parse_collects_the_same_terms_as_tokenising_each_part(data_dir):
    from collections import Counter

    from newsfold.cluster import features as F

    for line in list(open(data_dir / "clustering" / "ecbplus-dev.jsonl"))[:200]:
        r = json.loads(line)
        p = F.parse(r["title"], r["text"], r.get("date"))
        body = F._split_title((r["title"] or "").strip(), r["text"])
        title = (r["title"] or "").strip()
        assert p.title == Counter(F.terms(title))
        full = Counter(F.terms(title)) + Counter(F.terms(body[: F.BODY_CHARS]))
        lead = Counter(F.terms(title)) + Counter(F.terms(body[: F.LEAD_CHARS]))
        # less the numbers that count through a list (a box score's 0..20)
        for key in F._enumeration(Counter({k: c for k, c in full.items() if k[0] == "#"})):
            full.pop(key)
            lead.pop(key, None)
        assert p.full == full and p.lead == lead


def test_seeded_stream_goes_on_from_batch_stories(fixtures_dir):
    arts = _events(fixtures_dir)
    gold = _gold(fixtures_dir)
    later = [a for a in arts if a.id == max(x.id for x in arts if gold[x.id] == gold[arts[0].id])]
    first = [a for a in arts if a not in later]
    stories = cluster_batch(first)
    batch_story = {a.id: a.story for a in first}
    sc = StreamClusterer()
    for a in sorted(first, key=_time_key):
        assert sc.seed(a, a.story) == batch_story[a.id]
    assert {s.id for s in sc.stories()} == {s.id for s in stories}
    # a later report of an event already seen joins that event's batch story
    (new,) = later
    sid = sc.add(new)
    same = {batch_story[a.id] for a in first if gold[a.id] == gold[new.id]}
    assert same == {sid}


def test_window_pass_splits_a_false_merge_and_keeps_ids(fixtures_dir):
    from newsfold.cluster.stream import ClusterConfig

    arts = _events(fixtures_dir)
    gold = _gold(fixtures_dir)
    # a clusterer that joins any candidate (threshold 0): the two earthquakes share a story
    sc = StreamClusterer(cluster_config=ClusterConfig(threshold=0.0, window_days=100000))
    for a in sorted(arts, key=_time_key):
        sc.add(a)
    quakes = {sc.story_of(a.id) for a in arts if gold[a.id].startswith("eq-")}
    assert len(quakes) == 1
    (merged,) = quakes
    sc.cc.threshold = None  # the window pass uses the model's own threshold
    actions = sc.recluster(arts)
    assert any(r["action"] == "move" for r in actions)
    assert any(r["action"] == "split" for r in actions)
    now = {a.id: sc.story_of(a.id) for a in arts}
    by_gold: dict = {}
    for a in arts:
        by_gold.setdefault(gold[a.id], set()).add(now[a.id])
    assert by_gold["eq-sumatra"].isdisjoint(by_gold["eq-oaxaca"])
    assert merged in set(now.values())  # the largest group keeps the old id
    # every story is headed by one of its own articles' titles
    titles = {a.id: a.title for a in arts}
    for st in sc.stories():
        assert st.title in {titles[i] for i in st.articles}
    # every article is in exactly one story, and the stories list them
    listed = [i for s in sc.stories() for i in s.articles]
    assert sorted(listed) == sorted(a.id for a in arts)
    # a second pass over the same window changes nothing
    assert sc.recluster(arts) == []


def test_batch_storyline_links_rounds_of_talks_without_merging(fixtures_dir):
    arts = _events(fixtures_dir)
    stories = cluster_batch(arts)
    by_id = {a.id: a for a in arts}
    line = {s.id: s.storyline for s in stories}
    t1, t2 = by_id["tk-1"].story, by_id["tk-2"].story
    assert t1 != t2  # six weeks apart: two stories ...
    assert line[t1] is not None and line[t1] == line[t2]  # ... of one storyline
    # the earthquakes are not pulled into it
    assert line[by_id["eq-a1"].story] != line[t1]
    assert line[by_id["eq-b1"].story] != line[t1]


def test_untitled_story_title_is_the_first_line_cut_at_a_word():
    from newsfold.cluster.features import display_title

    text = ("One Tweet Sums Up The Absurd Double Standard Clinton And Trump Face In This Long Campaign Season So Far.\n\n"
            "Hillary Clinton requested ...")
    t = display_title(None, text)
    assert "\n" not in t and t.endswith("…") and len(t) <= 91
    assert t == "One Tweet Sums Up The Absurd Double Standard Clinton And Trump Face In This Long Campaign…"
    assert display_title("  A headline ", text) == "A headline"
    assert display_title(None, "\n\nShort first line.\n\nMore.") == "Short first line."
    assert display_title(None, None) == ""


def test_eval_clustering_takes_another_label_field_and_skips_bad_lines(data_dir, tmp_path, capsys):
    """`newsfold eval clustering --label event`: the named field is the gold and is hidden from
    the clusterer; a broken line and an unlabelled article are counted, not a stop."""
    import json as _json

    from newsfold.eval.clustering import eval_clustering_command

    rows = []
    with open(data_dir / "clustering" / "ecbplus-dev.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = _json.loads(line)
            if r["topic"] in ("1", "3", 1, 3):
                rows.append(r)
    assert len({r["cluster"] for r in rows}) >= 3
    plain = tmp_path / "plain.jsonl"
    plain.write_text("".join(_json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    renamed = tmp_path / "renamed.jsonl"
    with open(renamed, "w", encoding="utf-8") as out:
        for r in rows:
            r = dict(r)
            r["event"] = r.pop("cluster")
            out.write(_json.dumps(r) + "\n")
        out.write("{not json\n")
        out.write(_json.dumps({"id": "no-label", "text": "An article nobody labelled."}) + "\n")
    a = eval_clustering_command(plain, mode="batch")
    b = eval_clustering_command(renamed, mode="batch", label="event")
    capsys.readouterr()
    assert b["skipped_lines"] == 1 and b["unlabelled"] == 1
    assert {k: a[k] for k in ("pairwise_f1", "bcubed_f1", "gold_stories")} == \
        {k: b[k] for k in ("pairwise_f1", "bcubed_f1", "gold_stories")}
    # without --label, the data set's own name is found (it stopped the command before)
    c = eval_clustering_command(renamed, mode="batch")
    capsys.readouterr()
    assert c["label"] == "event" and c["pairwise_f1"] == b["pairwise_f1"]
    unlabelled = tmp_path / "unlabelled.jsonl"
    unlabelled.write_text(_json.dumps({"id": "x", "text": "An article nobody labelled."}) + "\n")
    with pytest.raises(SystemExit, match="--label"):
        eval_clustering_command(unlabelled, mode="batch")


def test_merge_pass_survives_a_story_left_with_only_a_copy():
    """A window pass moves an origin away from its story; the copy stays (copies are not
    scored members), so the story has no members but is still in the candidate index. The
    merge pass (``maintain``, run by batch clustering above ``max_batch``) divided by zero
    there: ``newsfold run`` on 12,301 real articles stopped."""
    ferry = ("The ferry Morrow Star sank off the island of Kelda on Tuesday with 40 passengers aboard, "
             "the coastguard said. Rescue boats from Port Avel searched the strait through the night.")
    a = Article(id="a", title="Ferry Morrow Star sinks off Kelda", text=ferry, family="a")
    b = Article(id="b", title="Ferry Morrow Star sinks off Kelda", text=ferry, family="a", origin="a",
                relation="copy")
    bridge = ("The new Varn river bridge opened to traffic in Ostrava Nova on Monday, the city council said, "
              "after four years of building work and a budget of 90 million.")
    c = Article(id="c", title="Varn river bridge opens in Ostrava Nova", text=bridge)
    d = Article(id="d", title="Ostrava Nova opens Varn river bridge", text=bridge.replace("on Monday", "this week"))
    sc = StreamClusterer()
    for art in (a, b, c, d):
        sc.add(art)
    assert sc.story_of("a") == sc.story_of("b") != sc.story_of("c") == sc.story_of("d")
    sc.apply_recluster([a, c, d], [1, 1, 1])  # the pass puts the origin with the bridge story
    assert sc.story_of("a") == sc.story_of("c") != sc.story_of("b")
    sc.maintain()  # raised ZeroDivisionError
    assert sorted(x for s in sc.stories() for x in s.articles) == ["a", "b", "c", "d"]  # none lost


def test_pair_features_are_the_same_a_chunk_of_pairs_at_a_time(fixtures_dir, monkeypatch):
    """``_rowdot`` gathers the rows of a chunk of candidate pairs at a time (all at once held
    ~460 MB on 4,171 real articles); the features are the same values."""
    import numpy as np

    from newsfold.cluster import window as W

    w = W.build(_events(fixtures_dir))
    i, j, r_ij, r_ji = W.candidate_pairs(w)
    assert len(i) >= 5
    whole = W.pair_features(w, i, j, r_ij, r_ji)
    monkeypatch.setattr(W, "ROWDOT_CHUNK", 2)
    assert np.array_equal(W.pair_features(w, i, j, r_ij, r_ji), whole)


def test_a_large_window_is_parsed_on_workers_with_the_same_features(fixtures_dir, monkeypatch, run_tasks_calls):
    from newsfold.cluster import window as W

    arts = _events(fixtures_dir)
    one = W.parse_all(arts, workers=1)
    monkeypatch.setattr(W, "PARSE_PARALLEL_MIN", 2)
    monkeypatch.setattr(W, "PARSE_CHUNK", 3)
    assert W.parse_all(arts, workers=2) == one
    assert run_tasks_calls == [("_parse_rows", (len(arts) + 2) // 3, 2)]


def test_dated_feed_gives_each_story_a_few_days_and_hides_other_labels(data_dir, tmp_path):
    """bench/cluster/dated_feed.py: every gold story of each input gets one day (its articles
    that day plus 0-3), ids stay unique across inputs, and only the text, outlet and date
    reach the clusterer: the copy-family and topic labels of the inputs are dropped."""
    from datetime import date

    from bench.cluster.dated_feed import main

    ecb = data_dir / "clustering" / "ecbplus-dev.jsonl"
    out = tmp_path / "feed.jsonl"
    main([f"{ecb}:cluster", f"{ecb}:topic", "--out", str(out), "--days", "30", "--seed", "3"])
    rows = [json.loads(l) for l in open(out)]
    n = sum(1 for _ in open(ecb))
    assert len(rows) == 2 * n and len({r["id"] for r in rows}) == 2 * n
    assert all(set(r) <= {"id", "title", "text", "source", "url", "date", "cluster"} for r in rows)
    days: dict = {}
    for r in rows:
        days.setdefault(r["cluster"], []).append(date.fromisoformat(r["date"]).toordinal())
    assert all(max(d) - min(d) <= 3 for d in days.values())
    assert len({min(d) for d in days.values()}) > 10  # stories spread over the 30 days
    gold = [json.loads(l) for l in open(ecb)]
    assert len(days) == len({r["cluster"] for r in gold}) + len({r["topic"] for r in gold})
    main([f"{ecb}:cluster", f"{ecb}:topic", "--out", str(tmp_path / "again.jsonl"), "--days", "30", "--seed", "3"])
    assert (tmp_path / "again.jsonl").read_text() == out.read_text()


def test_many_copies_of_one_report_do_not_split_its_story(seeds_dir):
    """Twenty republications of one seed report (a wire story many outlets run) must not
    pull the five seeds apart: counted twenty times, the report's words weighed like stop
    words and its copies filled every neighbour list, and the seeds split in two stories."""
    import dataclasses

    from newsfold import stages

    cfg = Config(ner_model="none")
    arts, _ = stages.split_errors(stages.ingest_and_clean([str(seeds_dir)], config=cfg))
    for k in range(20):
        src = arts[k % 2]
        arts.append(dataclasses.replace(src, id=f"copy{k}", source=f"outlet{k}.example", url=None,
                                        content_hash=None))
    stages.fold_families(arts, config=cfg)
    assert sum(a.relation in ("copy", "truncated") for a in arts) >= 20
    stories = stages.cluster_stories(arts, config=cfg)
    assert len(stories) == 1 and set(stories[0].articles) == {a.id for a in arts}


def test_the_stream_counts_a_placed_copy_in_no_document_frequency(seeds_dir):
    """A near copy the stream places by its family adds nothing to the document frequencies:
    counted once per copy, a report run by hundreds of outlets made its own words as common
    as stop words before the next window pass. A rewrite placed by its family still counts."""
    import dataclasses

    from newsfold import stages

    cfg = Config(ner_model="none")
    arts, _ = stages.split_errors(stages.ingest_and_clean([str(seeds_dir)], config=cfg))
    stages.fold_families(arts, config=cfg)
    first = next(a for a in arts if a.relation == "original" and any(b.origin == a.id for b in arts))
    sc = StreamClusterer(cfg)
    for a in sorted(arts, key=_time_key):
        sc.add(a)
    n_before = sc.dfs.n
    copies = [dataclasses.replace(first, id=f"copy{k}", origin=first.id, relation="copy",
                                  story=None) for k in range(5)]
    for c in copies:
        sc.add(c)
    assert sc.dfs.n == n_before and {c.story for c in copies} == {first.story}
    rewrite = dataclasses.replace(first, id="rw", origin=first.id, relation="rewrite", story=None)
    sc.add(rewrite)
    assert sc.dfs.n == n_before + 1 and rewrite.story == first.story


def test_a_file_of_bundles_is_clustered_and_scored_as_its_articles(fixtures_dir, tmp_path):
    """Summarisation data sets put each gold cluster on one line with its articles in a list
    (Multi-News); `newsfold eval clustering` read such a line as one unlabelled row. The
    bundle's id is now its articles' gold label: the same rows grouped into bundles score as
    the flat file does, and `newsfold cluster` gives each article its story."""
    from newsfold.cluster.cli import cluster_command
    from newsfold.eval.clustering import eval_clustering_command

    src = fixtures_dir / "cluster" / "events.jsonl"
    rows = [json.loads(l) for l in open(src)]
    groups: dict = {}
    for r in rows:
        groups.setdefault(r["cluster"], []).append({k: v for k, v in r.items() if k != "cluster"})
    bundles = tmp_path / "bundles.jsonl"
    bundles.write_text("".join(json.dumps({"cluster_id": c, "summary": "…", "articles": arts}) + "\n"
                               for c, arts in groups.items()))
    flat = eval_clustering_command(src)
    grouped = eval_clustering_command(bundles)
    assert (grouped["n_articles"], grouped["gold_stories"], grouped["unlabelled"]) == (6, 4, 0)
    for k in ("pairwise_f1", "bcubed_f1", "ari", "predicted_stories"):
        assert grouped[k] == flat[k], k
    out = tmp_path / "out.jsonl"
    cluster_command(bundles, out)
    got = [json.loads(l) for l in open(out)]
    assert sorted(o["id"] for o in got) == sorted(r["id"] for r in rows) and all(o["story"] for o in got)


def test_eval_clustering_finds_a_data_sets_own_label_name(fixtures_dir, tmp_path):
    """A gold file that names its label `event` (or `story`, `story_id`...) instead of
    `cluster` was refused ("no article carries a gold `cluster` field") unless --label was
    given; the label it used is now found and printed."""
    from newsfold.eval.clustering import eval_clustering_command

    src = fixtures_dir / "cluster" / "events.jsonl"
    rows = [json.loads(l) for l in open(src)]
    renamed = tmp_path / "renamed.jsonl"
    renamed.write_text("".join(json.dumps({**{k: v for k, v in r.items() if k != "cluster"},
                                           "event": r["cluster"]}) + "\n" for r in rows))
    flat, got = eval_clustering_command(src), eval_clustering_command(renamed)
    assert got["label"] == "event" and flat["label"] == "cluster"
    assert {k: got[k] for k in ("pairwise_f1", "gold_stories", "n_articles")} == \
        {k: flat[k] for k in ("pairwise_f1", "gold_stories", "n_articles")}


def test_numbers_that_count_through_a_list_are_not_facts():
    """A photo gallery's "Photo 62 of 132" and a paper's reference marks "(33, 36, 38)" gave
    two unrelated long pages 70 shared numbers, and that pair alone joined their stories."""
    from newsfold.cluster.features import parse

    gallery = " ".join(f"Photo {k} of 12: crowds on the Kessel quay." for k in range(1, 13))
    p = parse("Kessel port reopens", f"The port reopened after 42 days, said 1,200 workers. {gallery}")
    assert {"#42", "#1200"} <= set(p.nums) and not {f"#{k}" for k in range(1, 13)} & set(p.nums)
    refs = parse(None, "Light resets the clock (33, 34, 35, 36, 37, 38, 39, 40) in 7.6 hours.")
    assert set(refs.nums) == {"#7.6"}
    few = parse(None, "Teams 3, 4 and 5 won; 18, 19 and 20 lost.")  # too short a run to be a list
    assert {"#3", "#18", "#20"} <= set(few.nums)
    # digits that are no decimal number ("10³ m³") are no list either (a ValueError stopped the run)
    assert parse(None, "Flow of 10³ m³ and 2² in " + ", ".join(str(k) for k in range(1, 12))).nums


def test_a_shared_number_counts_by_how_rare_it_is_in_the_window():
    """Counted alike, a year every article states and a toll two reports alone give moved a
    pair the same: long unrelated texts share many common numbers."""
    import numpy as np

    from newsfold.cluster import window as W
    from newsfold.model import Article

    texts = [f"Report {k} from Varn in 2018 about the harbour works and the 2018 budget." for k in range(20)]
    texts[0] += " The storm killed 317 people."
    texts[1] += " Officials counted 317 dead."
    w = W.build([Article(id=str(k), text=t) for k, t in enumerate(texts)])
    i, j = np.array([0, 2]), np.array([1, 3])
    X = W.pair_features(w, i, j, np.array([1, 1]), np.array([1, 1]))
    num = W.WINDOW_FEATURES.index("num_shared@short")
    assert X[1, num] < 0.05 < X[0, num]  # "2018" in all 20 articles: ~nothing; "317" in two


def test_the_year_an_article_was_published_is_a_year_it_states():
    """A feed's cleaning moves a "May 2, 2013" line out of the text into ``published``. The
    year must still count: a report published in 2013 and one that states only 2008 are of
    different years, as two texts stating those years are."""
    import numpy as np

    from newsfold.cluster import window as W
    from newsfold.model import Article

    body = "The player was arrested on a drunk driving charge after a traffic stop, police said."
    arts = [Article(id="a", text=body, published="2013-05-02"),
            Article(id="b", text=body + " He was first arrested in 2008."),
            Article(id="c", text=body + " The team said in 2013 it would wait."),
            Article(id="d", text=body),
            Article(id="e", text=body, published="2014-01-02")]
    w = W.build(arts)
    i, j = np.array([0, 0, 3, 0]), np.array([1, 2, 1, 4])
    X = W.pair_features(w, i, j, np.ones(4), np.ones(4))
    year = W.WINDOW_FEATURES.index("year_conflict@short")
    # published 2013 vs states 2008: a conflict; vs states 2013: none; undated, no year: none;
    # two dated reports are compared by their date gap (a story may cross a new year), not here
    assert X[:, year].tolist() == [1.0, 0.0, 0.0, 0.0]


def _rescues(fixtures_dir):
    arts, problems = read_jsonl(fixtures_dir / "cluster" / "two_rescues.jsonl")
    assert not problems
    return arts


def _one_story_edges(arts, cross: float, within: float = 0.8):
    """Every pair scored: ``within`` inside each rescue, ``cross`` between the two (as a window
    model scores two events of one kind that share their topic words)."""
    ev = [a.id.rsplit("-", 1)[0] for a in arts]
    return {(i, j): within if ev[i] == ev[j] else cross
            for i in range(len(arts)) for j in range(i + 1, len(arts))}


def _split(arts, edges, must=()):
    from newsfold.cluster import window as W
    from newsfold.cluster.stream import _average_link

    w = W.build(arts)
    merges: list = []
    labels = _average_link(len(arts), edges, 0.3, must, merges=merges)
    assert len(set(labels)) == 1  # average link alone makes one story of them
    return W.split_events(labels, merges, w, must, arts)


def test_two_events_of_one_kind_are_split_by_the_names_each_keeps_repeating(fixtures_dir):
    """Two coastguard rescues told by the same four outlets: a cutter, a trawler, a captain and
    a place that every report of one rescue names and no report of the other does."""
    arts = _rescues(fixtures_dir)
    labels = _split(arts, _one_story_edges(arts, cross=0.4))
    by_event: dict = {}
    for a, lab in zip(arts, labels):
        by_event.setdefault(a.id.rsplit("-", 1)[0], set()).add(lab)
    assert all(len(v) == 1 for v in by_event.values())
    assert by_event["rescue-marenna"] != by_event["rescue-tovald"]
    # labels stay the earliest article of each story
    assert set(labels) == {0, 4}


def test_two_stages_of_one_affair_are_split_by_the_words_each_keeps_using(fixtures_dir):
    """A trial's opening and its verdict, each told by the same four outlets: every lead names
    the same defendant, lawyer, trust, town and sum, so no name tells the stages apart; the
    words do ("opening statements" in one half, "guilty" and "verdict" in the other)."""
    arts, problems = read_jsonl(fixtures_dir / "cluster" / "two_stages.jsonl")
    assert not problems
    ev = [a.id.rsplit("-", 1)[0] for a in arts]
    edges = {(i, j): 0.8 if ev[i] == ev[j] else 0.4 for i in range(len(arts)) for j in range(i + 1, len(arts))}
    labels = _split(arts, edges)
    assert {lab for lab, e in zip(labels, ev) if e == "trial-opens"} == {0}
    assert {lab for lab, e in zip(labels, ev) if e == "trial-verdict"} == {4}
    # the stages strongly linked: one story
    strong = {k: max(v, 0.7) for k, v in edges.items()}
    assert len(set(_split(arts, strong))) == 1
    # clustered by the window model itself: two stories of one storyline (one affair)
    stories = cluster_batch(arts)
    assert sorted(len(s.articles) for s in stories) == [4, 4]
    assert stories[0].storyline is not None and stories[0].storyline == stories[1].storyline


def test_a_story_is_not_split_when_its_halves_are_strongly_linked_or_told_by_too_few(fixtures_dir):
    import dataclasses

    arts = _rescues(fixtures_dir)
    # the halves' own link is strong: one event, whatever names each half repeats
    assert len(set(_split(arts, _one_story_edges(arts, cross=0.7)))) == 1
    # one rescue printed by one outlet only: one report is too few to tell an event apart
    few = [dataclasses.replace(a, source="harbourpost.example")
           if a.id.startswith("rescue-tovald") else a for a in arts]
    assert len(set(_split(few, _one_story_edges(few, cross=0.4)))) == 1
    # ... or one report reprinted by four outlets (one copy family, found by a fold of the story)
    reprints = [dataclasses.replace(arts[4], id=f"rescue-tovald-{k}", source=a.source)
                if a.id.startswith("rescue-tovald") else a for k, a in enumerate(arts)]
    assert len(set(_split(reprints, _one_story_edges(reprints, cross=0.4)))) == 1
    assert len(set(_split(arts, _one_story_edges(arts, cross=0.4)))) == 2


def test_a_story_is_not_split_when_a_copy_of_one_report_sits_on_both_sides(fixtures_dir):
    """A report reprinted by another outlet that falls on the other side of the cut brings its
    names there: the first rescue's names are no longer its own, so the story stays whole (one
    event told twice, not two events)."""
    import dataclasses

    arts = _rescues(fixtures_dir)
    reprint = dataclasses.replace(arts[0], id="rescue-tovald-reprint", source="bayledger.example")
    arts = arts + [reprint]
    edges = _one_story_edges(arts, cross=0.4)
    # the reprint scores with the second rescue's reports, so average link puts it there
    for i in range(len(arts) - 1):
        edges[(i, len(arts) - 1)] = 0.8 if arts[i].id.startswith("rescue-tovald") else 0.4
    assert len(set(_split(arts, edges))) == 1


def test_one_rescue_in_two_halves_is_not_split_without_terms_of_their_own(fixtures_dir):
    """The second half retold with the first rescue's names: no term of its own that its reports
    keep using. (Each article is its own copy family, as dedup leaves independent reports: here
    the terms alone keep the story whole.)"""
    import dataclasses

    arts = _rescues(fixtures_dir)
    swap = {"Tovald": "Marenna", "Lise Varga": "Idris Falk", "Silver Ember": "Gull of Brise",
            "Skerrin Point": "Port Calloway", "Skerrin": "Port Calloway", "Nine": "Fourteen",
            "nine": "fourteen", "9": "14", "her crew": "his crew"}

    def retell(text):
        for a, b in swap.items():
            text = text.replace(a, b)
        return text

    one = [dataclasses.replace(a, title=retell(a.title), text=retell(a.text), family=a.id)
           if a.id.startswith("rescue-tovald") else dataclasses.replace(a, family=a.id) for a in arts]
    assert len(set(_split(one, _one_story_edges(one, cross=0.4)))) == 1
    # the same articles with their own names are two events
    two = [dataclasses.replace(a, family=a.id) for a in arts]
    assert len(set(_split(two, _one_story_edges(two, cross=0.4)))) == 2


@pytest.mark.slow
def test_ecbplus_two_navy_actions_are_cut_apart_and_the_cut_can_be_turned_off(data_dir):
    """ECB+ topic 12: two Indian Navy actions against pirates, three years apart (INS Mysore and
    23 pirates; INS Sukanya and 26). Average link over the whole file joins them; the cut parts
    them, and ``ClusterConfig.split_events=False`` leaves them joined."""
    from newsfold.cluster.stream import ClusterConfig

    rows = [json.loads(l) for l in open(data_dir / "clustering" / "ecbplus-dev.jsonl")]
    stories = {}
    for split in (True, False):
        arts = [article_from_row(r, i) for i, r in enumerate(rows, 1)]
        cluster_batch(arts, cluster_config=ClusterConfig(split_events=split))
        by_id = {a.id: a.story for a in arts}
        stories[split] = {ev: {by_id[r["id"]] for r in rows if r["cluster"] == ev}
                          for ev in ("12_ecb", "12_ecbplus")}
    assert stories[False]["12_ecb"] & stories[False]["12_ecbplus"]
    assert not stories[True]["12_ecb"] & stories[True]["12_ecbplus"]
