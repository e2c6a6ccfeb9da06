"""Batch boilerplate (``clean.repeated``): lines many unrelated articles share are removed
from texts and titles, recorded with their rule; lines a wire story's copies share, and
editorial marks, stay."""

from __future__ import annotations

import json
import random

from newsfold.clean.repeated import RULE, repeated_lines, strip_repeated_lines
from newsfold.model import Article

MASTHEAD = "THE RIVERTON GAZETTE - City desk"
FOOTER = "Copyright The Riverton Gazette 2025. Terms of use | Privacy policy | Contact us"
NOTE = "UPDATE: This story has been updated with additional information."


def _body(rng: random.Random, n: int = 6) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(4000)]
    return [" ".join(rng.choice(words) for _ in range(30)).capitalize() + "." for _ in range(n)]


def _corpus() -> list[Article]:
    rng = random.Random(3)
    arts = []
    for k in range(6):  # one outlet's unrelated articles: masthead as title, footer at the end
        paras = _body(rng) + [FOOTER]
        if k < 3:
            paras.insert(0, NOTE)  # an update note printed alike in three unrelated articles
        arts.append(Article(id=f"own{k}", title=MASTHEAD, text="\n\n".join(paras)))
    wire = _body(rng)
    for k in range(4):  # one wire story in four outlets: same headline, same lede
        paras = list(wire)
        paras[-1] = paras[-1] + f" Edited by outlet {k}."
        arts.append(Article(id=f"wire{k}", title="Council approves the harbour budget", text="\n\n".join(paras)))
    return arts


def test_unrelated_articles_lose_their_shared_masthead_and_footer():
    arts = _corpus()
    wire_texts = [a.text for a in arts[6:]]
    assert repeated_lines(arts) == {"the riverton gazette - city desk",
                                    "copyright the riverton gazette 2025. terms of use | privacy policy | contact us"}
    n = strip_repeated_lines(arts)
    assert n == 12  # six titles, six footers
    for a in arts[:6]:
        assert a.title is None and FOOTER not in a.text
        assert {"text": FOOTER, "rule": RULE} in a.removed and {"text": MASTHEAD, "rule": RULE} in a.removed
    assert sum(NOTE in a.text for a in arts[:6]) == 3  # editorial marks are evidence, not boilerplate
    # the copies of one story share their headline and lede with the rest of their text
    assert [a.text for a in arts[6:]] == wire_texts
    assert all(a.title == "Council approves the harbour budget" and not a.removed for a in arts[6:])
    assert strip_repeated_lines(arts) == 0  # a second pass finds nothing left


def test_two_articles_are_not_enough_to_call_a_line_boilerplate():
    arts = _corpus()[:2]
    assert strip_repeated_lines(arts) == 0 and all(a.title == MASTHEAD for a in arts)


def test_plain_text_feed_loses_mastheads_and_footers(data_dir, tmp_path):
    """Real article bodies wrapped in 60 made-up outlets' mastheads, bylines and footers
    (bench/dedup/realtext.py), read as a JSONL feed without titles and cleaned as ``newsfold
    run`` does: before the batch pass, the footers stayed in the texts (and became claims),
    and until the fourteenth session the masthead ("THE LAKESIDE POST - Local desk") was
    taken for the title of most articles (and became story titles); the cleaning stage now
    knows such a line itself (``portal_byline``)."""
    from bench.dedup.realtext import build
    from newsfold.config import Config
    from newsfold.stages import ingest_and_clean, split_errors, strip_batch_boilerplate

    rows = build(data_dir, seed=0, max_originals=400)
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": r["id"], "text": r["text"], "date": r.get("date")}) + "\n"
                            for r in rows), encoding="utf-8")
    arts, errors = split_errors(ingest_and_clean([str(feed)], config=Config()))
    assert len(arts) == len(rows) and not errors
    heads = {r["text"].split("\n\n")[0] for r in rows}

    def counts():
        return (sum(a.title in heads for a in arts),
                sum("Terms of use | Privacy policy" in a.text for a in arts),
                sum("on social media for the latest" in a.text for a in arts))

    before = counts()
    assert before[0] == 0 and before[1] > 50 and before[2] > 50, before
    texts = {a.id: a.text for a in arts}
    assert strip_batch_boilerplate(arts, config=Config(strip_repeated_lines=False)) == 0
    assert {a.id: a.text for a in arts} == texts
    assert strip_batch_boilerplate(arts, config=Config()) > len(rows) / 2
    after = counts()
    assert after[0] == 0 and after[1] <= before[1] / 10 and after[2] <= before[2] / 10, (before, after)
    # what was removed is kept, with its rule
    assert all(x["text"] not in a.text for a in arts for x in a.removed if x["rule"] == RULE)
