"""spaCy-backed NER (config.ner_model) on the seeds: loads once, merges the same variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsfold.analyze import analyze_story
from newsfold.analyze.nlp import load_nlp
from newsfold.config import Config
from newsfold.model import Article, Story

FAMILY = {"000": "001", "001": "001", "002": "002", "003": "002", "004": "004"}
RELATION = {"000": "rewrite", "001": "original", "002": "original", "003": "embellished",
            "004": "original"}


@pytest.mark.slow
def test_model_resolution():
    assert load_nlp(Config(ner_model="none")) is None
    assert load_nlp(Config(ner_model="no_such_model_package")) is None
    nlp = load_nlp(Config(ner_model="auto"))
    if nlp is None:
        pytest.skip("no spaCy English model installed")
    assert "ner" in nlp.pipe_names
    assert load_nlp(Config(ner_model="auto")) is nlp  # cached, loaded once


@pytest.mark.slow
def test_seeds_with_spacy(seeds_dir: Path):
    if load_nlp(Config(ner_model="auto")) is None:
        pytest.skip("no spaCy English model installed")
    arts = []
    for p in sorted(seeds_dir.glob("*.txt")):
        i = p.name[:3]
        arts.append(Article(id=i, text=p.read_text(encoding="utf-8"), family=FAMILY[i],
                            relation=RELATION[i], origin=None if i == FAMILY[i] else FAMILY[i]))
    story = analyze_story(Story(id="s", articles=[a.id for a in arts],
                                sources={"independent": 3}), arts,
                          config=Config(ner_model="auto"))
    shaib = [e for e in story.entities
             if any("shaibani" in v.casefold() or "shibani" in v.casefold() for v in e.variants)]
    assert len(shaib) == 1 and shaib[0].type == "PERSON"
    assert {"000", "001", "002", "003", "004"} == set(shaib[0].articles)
    assad = [e for e in story.entities if any(v.casefold().endswith("assad") for v in e.variants)]
    assert len(assad) == 1 and {"Assad", "Bashar Assad"} <= set(assad[0].variants)
    lavrov = [q for q in story.quotes if "talks are expected to touch" in q.text]
    assert lavrov[0].speaker == "Sergey Lavrov" and lavrov[0].independent_sources == 1
    for add in ("$1.2 billion", "killed 12 and wounded 40", "March 2026", "Baku"):
        assert any(add in c.text and c.status == "single_source" and c.articles == ["003"]
                   for c in story.claims)
        assert all(add not in s.text for s in story.summary)


@pytest.mark.slow
def test_copies_of_one_text_are_read_once(seeds_dir: Path, monkeypatch):
    from newsfold.analyze import entities as E

    nlp = load_nlp(Config(ner_model="auto"))
    if nlp is None:
        pytest.skip("no spaCy English model installed")
    text = sorted(seeds_dir.glob("*.txt"))[0].read_text(encoding="utf-8")
    arts = [Article(id=f"copy{i}", text=text) for i in range(3)]
    E._SPACY_CACHE.clear()
    read = []
    real_pipe = nlp.pipe
    monkeypatch.setattr(nlp, "pipe", lambda texts, **kw: real_pipe(read.extend(texts) or texts, **kw))
    found = E._spacy_found(arts, nlp)
    assert len(read) == 1
    assert found["copy0"] and found["copy0"] == found["copy1"] == found["copy2"]


@pytest.mark.slow
def test_mentions_kept_in_the_store_are_reused_by_the_next_run(tmp_path):
    """A daily run on a store: the articles spaCy read yesterday are not read again (their
    mentions come from the store), and the stories come out the same field by field."""
    import sqlite3

    import newsfold.analyze.entities as E
    from newsfold.run import run
    from newsfold.store import open_store

    nlp = load_nlp(Config(ner_model="auto"))
    if nlp is None:
        pytest.skip("no spaCy English model installed")
    demo = str(Path(__file__).resolve().parents[1] / "examples" / "demo")
    cfg = Config(ner_model="auto", reuse_analysis=False, analyze_workers=1)
    db = tmp_path / "s.db"

    def once():
        E._SPACY_CACHE.clear()
        with open_store(str(db)) as store:
            return sorted((s.to_json() for s in run([demo], config=cfg, store=store).stories))

    first = once()
    rows = sqlite3.connect(db).execute("SELECT count(*) FROM mentions").fetchone()[0]
    assert rows >= 15  # one per article spaCy read (the demo's English articles)

    calls = []
    real_pipe = nlp.pipe

    def counting_pipe(texts, **kw):
        texts = list(texts)
        calls.append(len(texts))
        return real_pipe(texts, **kw)

    nlp.pipe = counting_pipe
    try:
        assert once() == first
        assert sum(calls) == 0  # every article's mentions came from the store
        # a store from before the table existed: read as empty, the table made on first use
        con = sqlite3.connect(db)
        con.execute("DROP TABLE mentions")
        con.commit()
        con.close()
        assert once() == first
        assert sum(calls) >= 15
        assert sqlite3.connect(db).execute("SELECT count(*) FROM mentions").fetchone()[0] == rows
    finally:
        del nlp.pipe


def test_spacy_mentions_read_the_docs_text_once():
    """spaCy's ``Doc.text`` joins every token's text on each read. Read once per entity, it
    made NER on a 250 kB article of 4,000 sentences take 54 s instead of 9 s (the entities
    found are the same either way)."""
    from types import SimpleNamespace

    from newsfold.analyze.entities import spacy_mentions

    body = " ".join(f"Mayor Ana Velt{i} of Varn said on Tuesday." for i in range(50))

    class Doc:
        reads = 0

        @property
        def text(self):
            Doc.reads += 1
            return body

        @property
        def ents(self):
            out, at = [], 0
            for i in range(50):
                name = f"Ana Velt{i}"
                at = body.index(name, at)
                out.append(SimpleNamespace(text=name, start_char=at, label_="PERSON"))
                at += len(name)
            return tuple(out)

    found = spacy_mentions("a", Doc())
    assert [m.text for m in found] == [f"Ana Velt{i}" for i in range(50)]
    assert all(body[m.start:m.end] == m.text and m.type == "PERSON" for m in found)
    assert Doc.reads == 1


def test_text_pieces_cover_the_text_and_cut_between_sentences():
    from newsfold.analyze.entities import text_pieces

    text = "\n".join(f"Mayor Ana Velt opened pier {i} in Varn on Tuesday. Crews cheered." for i in range(400))
    pieces = text_pieces(text, 2_000)
    assert "".join(p for _, p in pieces) == text
    assert all(text[at:at + len(p)] == p and len(p) <= 2_000 for at, p in pieces)
    assert all(p.endswith(("\n", ". ")) for _, p in pieces[:-1])
    assert text_pieces("short", 2_000) == [(0, "short")]
    # no break at all: cut at the size
    assert [len(p) for _, p in text_pieces("x" * 5_000, 2_000)] == [2_000, 2_000, 1_000]


def test_a_text_longer_than_spacys_limit_is_read_in_pieces(monkeypatch):
    """spaCy refuses a text over ``nlp.max_length`` (1,000,000 characters): one such article (a
    1.16 MB transcript) stopped a whole `newsfold run` with E088. Shown here with the limit
    and the piece size made small."""
    from newsfold.analyze import entities as E

    nlp = load_nlp(Config(ner_model="auto"))
    if nlp is None:
        pytest.skip("no spaCy English model installed")
    monkeypatch.setattr(nlp, "max_length", 20_000)
    monkeypatch.setattr(E, "PIECE_CHARS", 5_000)
    names = ["Ana Velt", "Boris Kallan", "Cora Mendez", "Dmitri Orlov"]
    text = " ".join(f"Officials in Varn said pier {i} opened on Tuesday, and {names[i % 4]} thanked "
                    f"the crews who built it." for i in range(400))
    assert len(text) > 30_000
    art = Article(id="long-transcript", text=text, title="Piers open")
    found = E._spacy_found([art], nlp)[art.id]
    people = [(s, e) for s, e, t, ty, _ in found if ty == "PERSON"]
    assert all(text[s:e] in names for s, e in people)
    assert {text[s:e] for s, e in people} == set(names)
    assert max(s for s, _ in people) > len(text) - 200  # the last piece was read too


@pytest.mark.slow
def test_a_settlement_named_in_its_own_words_is_a_place_whatever_the_model_says():
    """en_core_web_sm reads "the fictional town of Orlen" as a PERSON, and a quote's "she" was
    then resolved to the town; the rules' settlement cues correct the model's type."""
    from newsfold.analyze.entities import build_entities

    cfg = Config(ner_model="auto")
    if load_nlp(cfg) is None:
        pytest.skip("no spaCy English model installed")
    text = ("The Varn bridge collapsed last week in the fictional town of Orlen. Aid reached the "
            "town of Belka Vrana on Monday, and the Velna port reopened.")
    types = {e.name: e.type for e in build_entities([Article(id="a", text=text)], cfg).to_entities()}
    assert [types.get(n) for n in ("Orlen", "Belka Vrana", "Velna")] == ["PLACE"] * 3


def test_a_platform_is_an_organisation_not_the_person_a_pronoun_speaks_for():
    """'Valis eulogized her on Instagram: "…," he wrote' gave the quotation to Instagram, which
    en_core_web_sm types as a person."""
    from newsfold.analyze.entities import build_entities, rule_mentions
    from newsfold.analyze.quotes import extract_quotes, make_resolver

    text = ("When his mother passed, Valis publicly eulogized her on Instagram: “I want to take a "
            "moment and salute this beautiful soul,” he wrote.")
    assert {m.type for m in rule_mentions("a", text) if m.text == "Instagram"} == {"ORG"}
    if load_nlp(Config(ner_model="auto")) is None:
        pytest.skip("no spaCy English model installed")
    art = Article(id="a", text=text)
    index = build_entities([art], Config(ner_model="auto"))
    assert [q.speaker for q in extract_quotes("a", text, make_resolver(art, index))] == ["Valis"]
