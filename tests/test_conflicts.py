"""Conflicting claims: two independent sources giving one fact different values (numbers,
days, places), and the many number pairs that only look like disagreements."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from newsfold.analyze import analyze_story
from newsfold.analyze.conflicts import quantities
from newsfold.config import Config
from newsfold.model import Article, Story

NO_NER = Config(ner_model="none")


def conflicts(text_a: str, text_b: str, published_a: str = "2025-03-06", published_b: str = "2025-03-06",
              config: Config = NO_NER) -> list[dict]:
    arts = [Article(id="a", text=text_a, published=published_a, source="a.example"),
            Article(id="b", text=text_b, published=published_b, source="b.example")]
    story = analyze_story(Story(id="s", articles=["a", "b"]), arts, config=config)
    return [v for c in story.claims if c.status == "conflicting" for v in c.values]


FERRY = "The ferry Morrow Star sank off the island of Kelda {when} with 40 passengers aboard, the coastguard said."


def test_two_sources_giving_different_days_conflict():
    vals = conflicts(FERRY.format(when="on Tuesday"), FERRY.format(when="on Wednesday"))
    assert {(v["value"], tuple(v["articles"]), v["kind"]) for v in vals} == {
        ("Tuesday (2025-03-04)", ("a",), "date"), ("Wednesday (2025-03-05)", ("b",), "date")}
    vals = conflicts(FERRY.format(when="on March 3"), FERRY.format(when="on March 4"))
    assert {v["value"] for v in vals} == {"March 3", "March 4"}


def test_the_day_a_statement_was_made_is_not_the_day_of_the_fact():
    a = "The ferry Morrow Star sank off the island of Kelda with 40 passengers aboard, the coastguard said on Tuesday."
    b = "The ferry Morrow Star sank off the island of Kelda with 40 passengers aboard, the coastguard said on Wednesday."
    assert conflicts(a, b) == []


def test_days_that_may_be_one_day_do_not_conflict():
    # a yearless "March 3" takes its article's year: against an article of another year only
    # month and day are compared
    a = FERRY.format(when="on March 3")
    b = FERRY.format(when="on March 3, 2024")
    assert conflicts(a, b, published_a="2025-03-06", published_b="2024-03-06") == []
    # "on Saturday" written on different days may name different Saturdays
    assert conflicts(FERRY.format(when="on Saturday"), FERRY.format(when="on Sunday"),
                     published_a="2025-03-06", published_b="2025-03-12") == []
    # the other article names the day too: it tells of two days, it does not dispute one
    b = FERRY.format(when="on Wednesday") + "\nThe search was suspended on Tuesday night because of the storm."
    assert conflicts(FERRY.format(when="on Tuesday"), b) == []


FIRE = "A fire broke out in {place} on Monday night, destroying 40 homes, the regional fire service said."


def test_two_places_in_one_slot_conflict():
    vals = conflicts(FIRE.format(place="Lerida"), FIRE.format(place="Castell"))
    assert {(v["value"], v["kind"]) for v in vals} == {("Lerida", "place"), ("Castell", "place")}


def test_a_place_the_other_article_also_names_is_no_conflict():
    b = FIRE.format(place="Castell") + "\nFirefighters from Lerida joined the effort."
    assert conflicts(FIRE.format(place="Lerida"), b) == []
    # different slots ("broke out in" / "was reported from") are different facts
    b = "A fire was reported from Castell on Monday night, destroying 40 homes, the regional fire service said."
    assert conflicts(FIRE.format(place="Lerida"), b) == []


@pytest.mark.parametrize("a,b", [
    # ages of different people, in different order
    ("Dwight Smith, 30, Kevin Johnson, 25, and Anton Jarrett, 27, were also arrested in connection with the shooting.",
     "Kevin Johnson, 25, Dwight Smith, 30, and Anton Jarrett, 27, were also arrested in connection with the shooting."),
    # times of day and publication stamps
    ("The ferry Morrow Star left the port of Kelda at 11:32 a.m. with 40 passengers aboard, officials said.",
     "The ferry Morrow Star left the port of Kelda at 11:56 a.m. with 40 passengers aboard, officials said."),
    # years: the date slot, not a count
    ("The band changed its name to Mobb Street and released its debut album in 1993, the label said.",
     "The band changed its name to Mobb Street and released its debut album in 1992, the label said."),
    # rounding and unit conversion
    ("The climber fell about 2,000 feet, or 609 metres, while climbing to a small hut on Mount Sefton.",
     "The climber fell about 2,000 feet, or 600 metres, while climbing to a small hut on Mount Sefton."),
    # ordinals and numbered things
    ("The Bluejays beat Drake in the 58th meeting of the two teams, their No. 5 win of the season.",
     "The Bluejays beat Drake in the 57th meeting of the two teams, their No. 6 win of the season."),
    # a count without its noun ("20 and") is no slot
    ("The two suspects, 20 and 23, were found at a home in Millom and arrested by officers on Friday.",
     "The two suspects, 19 and 23, were found at a home in Millom and arrested by officers on Friday."),
])
def test_numbers_that_only_look_like_a_dispute_are_no_conflict(a, b):
    assert conflicts(a, b) == []


def test_a_count_the_other_article_also_states_is_no_conflict():
    a = "The storm destroyed 14 fishing boats in the harbour of Port Alder, the port authority said."
    b = ("The storm destroyed 12 fishing boats in the harbour of Port Alder, the port authority said.\n"
         "Another 14 fishing boats were damaged.")
    assert conflicts(a, b) == []
    b = "The storm destroyed 12 fishing boats in the harbour of Port Alder, the port authority said."
    vals = conflicts(a, b)
    assert {(v["value"], v["kind"]) for v in vals} == {("14 fishing", "number"), ("12 fishing", "number")}


def test_a_persons_age_is_a_slot_of_its_own():
    vals = conflicts("His sister Katie Jenkin, 20, and mother Alice McMeekin, 58, were found dead in a home in Millom.",
                     "His sister Katie Jenkin, 23, and mother Alice McMeekin, 58, were found dead in a home in Millom.")
    assert {(v["value"], v["kind"]) for v in vals} == {("Katie Jenkin, 20", "number"), ("Katie Jenkin, 23", "number")}


def test_quantities_name_the_counted_noun():
    assert [(q.value, q.unit) for q in quantities("The quake killed 12 people and injured more than 80.")] == [
        (12.0, "people"), (80.0, "injured")]
    assert [(q.value, q.unit) for q in quantities("It approved a $1.2 billion bond and 23 Somali pirates.")] == [
        (1.2e9, "$ bond"), (23.0, "pirate")]
    assert quantities("Updated 7:12 pm, March 14, 2026, the 3rd update") == []


def _multinews(data_dir, suffix: str) -> list[Article]:
    with open(data_dir / "summaries" / "multinews-val.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["cluster_id"].endswith(suffix):
                return [Article(id=f"{suffix}-{i}", text=a["text"], source=f"outlet{i}.example")
                        for i, a in enumerate(row["articles"])]
    raise AssertionError(suffix)


def test_real_reports_of_one_shooting_disagree_on_the_block_not_on_the_ages(data_dir):
    """Four real reports of one shooting (Multi-News): the earlier number rule flagged the
    suspects' ages ("30 and" vs "25 and") and the "11 a.m." time; the reports differ on the
    street block (3300 / 3000), which is what a reader should see."""
    arts = _multinews(data_dir, "f7123421e18f")
    story = analyze_story(Story(id="s", articles=[a.id for a in arts]), arts, config=NO_NER)
    vals = [v for c in story.claims if c.status == "conflicting" for v in c.values]
    assert {v["value"] for v in vals} == {"3300 block", "3000 block"}
    assert all(v["kind"] == "number" for v in vals)


def test_a_place_in_a_sentence_the_claim_did_not_align_is_found():
    """The two place names pull the sentences apart (cosine below the claim alignment's
    0.35 between their best matches): the slot "bank branch in" still pairs them."""
    a = ("A bomb exploded Friday at a West Coast Bank branch in Woodburn, killing two officers, police said.\n"
         "The blast came hours after a threatening phone call to another bank.")
    b = ("The explosion occurred Friday afternoon at a West Coast Bank branch in Salem, about 30 miles south of Portland.\n"
         "Two officers were killed when the device went off, police said.")
    vals = conflicts(a, b)
    assert {(v["value"], v["kind"]) for v in vals} == {("Woodburn", "place"), ("Salem", "place")}


def _story_rows(cluster: str, texts: list[str], date: str) -> list[dict]:
    return [{"id": f"{cluster}-{k}", "title": None, "text": t, "date": date, "source": f"outlet{k}.example",
             "cluster": cluster} for k, t in enumerate(texts)]


def test_eval_conflicts_plants_and_finds_a_number_a_day_a_place_and_a_denial(tmp_path):
    quake = [
        "An earthquake struck the coastal town of Peralta on March 3, killing 12 people, officials said.\n"
        "The mayor of Peralta was injured when the town hall collapsed.\n"
        "Rescue teams from the regional capital reached the town by evening.",
        "An earthquake struck the coastal town of Peralta on March 3, killing 12 people, the mayor said.\n"
        "The mayor of Peralta was injured when the old town hall collapsed.\n"
        "Schools in the province will stay closed until Friday.",
    ]
    # a second story whose sources already disagree on the toll: flagged as it is
    storm = [
        "The storm destroyed 14 fishing boats in the harbour of Port Alder, the port authority said.",
        "The storm destroyed 9 fishing boats in the harbour of Port Alder, the port authority said.",
    ]
    path = tmp_path / "stories.jsonl"
    rows = _story_rows("quake", quake, "2025-03-05") + _story_rows("storm", storm, "2025-01-10")
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "newsfold", "eval", "conflicts", str(path), "--ner", "none"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert r["stories"] == 2 and r["flagged_unchanged"] == 1
    assert r["planted"] == {"number": 1, "date": 1, "place": 1, "negation": 1}
    assert r["detected"] == r["planted"] and r["misses"] == []


@pytest.mark.slow
def test_eval_conflicts_on_real_multinews_stories(data_dir):
    """Planted disagreements in real reports of one event are mostly found, and the unchanged
    stories raise few flags (the rule this replaced flagged 20 there, most of them ages,
    times and years)."""
    from newsfold.eval.conflicts import evaluate

    r = evaluate(data_dir / "summaries" / "multinews-val.jsonl", config=NO_NER, limit=120)
    assert r["planted"]["number"] >= 20 and r["recall"]["number"] >= 0.6
    assert r["flagged_unchanged_per_1000_claims"] <= 1.5


def test_a_sentence_opening_with_of_and_a_place_is_no_slot():
    a = ("A fire broke out in Lyon on Monday night, destroying 40 homes, the fire service said.\n"
         "Of Lyon itself the officials said little else that evening, the fire service said.")
    b = FIRE.format(place="Lyon") + "\nOf Lyon itself the officials said little more that evening, the fire service said."
    assert conflicts(a, b) == []


def test_conflict_values_do_not_depend_on_string_hashing():
    # three counted nouns disputed in one claim: their values come in the order the claim's
    # sentence states them, whatever PYTHONHASHSEED (set iteration once made the order, and so
    # stories.json, differ between two runs on the same input)
    code = (
        "from tests.test_conflicts import conflicts\n"
        "a = 'The storm killed 12 people, destroyed 40 homes and flooded 7 villages in the valley, officials said.'\n"
        "b = 'The storm killed 14 people, destroyed 55 homes and flooded 9 villages in the valley, officials said.'\n"
        "print([v['value'] for v in conflicts(a, b)])\n"
    )
    seen = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        env = {**__import__("os").environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True,
                             cwd=__import__("pathlib").Path(__file__).resolve().parent.parent)
        seen.add(out.stdout.strip())
    assert len(seen) == 1, seen
    values = eval(seen.pop())  # noqa: S307 - our own printed list
    assert values == ["12 people", "14 people", "40 homes", "55 homes", "7 villages", "9 villages"]


@pytest.mark.parametrize("suffix", ["d88e8c3fbd9e", "889def92181b", "baecd754d72f"])
def test_a_sentence_is_one_claim_however_many_drafts_chose_it(data_dir, suffix):
    """Real Multi-News stories of two or three reports: one sentence was the text of several
    claims (d88e8c3fbd9e: 9 repeats), each with its own articles and count; 117 of the 250
    clusters had such repeats. Now a sentence is one claim, with every article that any of
    them listed, counted and labelled from that."""
    arts = _multinews(data_dir, suffix)
    story = analyze_story(Story(id="s", articles=[a.id for a in arts]), arts, config=NO_NER)
    texts = [" ".join(c.text.split()).casefold() for c in story.claims]
    assert story.claims and len(texts) == len(set(texts))
    for c in story.claims:  # one outlet per report here: sources = articles
        assert c.independent_sources == len(set(c.articles))
        assert c.status == ("conflicting" if c.values else
                            "corroborated" if c.independent_sources >= 2 else "single_source")


TREASURER = ("Harlow treasurer Mina Okafor {verb} on Tuesday after an audit found $2 million missing "
             "from the city's pension fund. The audit was ordered by the city council in January.")


def test_a_source_denying_what_another_states_conflicts():
    """Two outlets, one saying the treasurer resigned and one that she did not: the claim
    was "corroborated" by both (the sentences align on every other word)."""
    vals = conflicts(TREASURER.format(verb="resigned"), TREASURER.format(verb="did not resign"))
    assert {(v["value"], tuple(v["articles"]), v["kind"]) for v in vals} == {
        ("resigned", ("a",), "negation"), ("did not resign", ("b",), "negation")}
    vals = conflicts("Police said the suspect, Ivo Marsh, was arrested at his home in Peralta on Monday.",
                     "Police said the suspect, Ivo Marsh, was not arrested at his home in Peralta on Monday.")
    assert {v["value"] for v in vals} == {"was arrested", "was not arrested"}


@pytest.mark.parametrize("a,b", [
    # not telling is not denying
    ("Police identified the victim as Ana Velt, 34, on Monday.",
     "Police did not identify the victim on Monday, pending notice to her family."),
    # the state of things when one report was written
    (TREASURER.format(verb="resigned"), TREASURER.format(verb="has not yet resigned")),
    # an intention is not an act
    (TREASURER.format(verb="plans to resign"), TREASURER.format(verb="did not resign")),
    # another subject, set against the first in the sentence itself
    ("The three leads, Lena Ostrova and Piet Ardel among them, are signed for the sequel.",
     "Unlike the leads Lena Ostrova and Piet Ardel, the director is not signed for the sequel."),
    # a relative clause is another subject's act
    ("Okafor harassed staff, including some who worked in her office, the audit found.",
     "Okafor harassed staff, including others who did not work in her office, the audit found."),
    # a denial in the object: both sides say the same
    ("Hospitals said they have seen no rise in births since the storm in Peralta.",
     "Hospitals said they had not seen a rise in births since the storm in Peralta."),
    # the denying article states the act too: two things, not a dispute
    (TREASURER.format(verb="resigned"),
     TREASURER.format(verb="did not resign") + " She resigned on Wednesday instead."),
])
def test_negations_that_are_no_dispute(a, b):
    assert not [v for v in conflicts(a, b) if v["kind"] == "negation"], (a, b)


def test_a_summary_sentence_never_cites_a_source_that_denies_it():
    arts = [Article(id="a", text=TREASURER.format(verb="resigned"), published="2025-03-06", source="a.example"),
            Article(id="b", text=TREASURER.format(verb="did not resign"), published="2025-03-06", source="b.example")]
    story = analyze_story(Story(id="s", articles=["a", "b"]), arts, config=NO_NER)
    resigned = [s for s in story.summary if "resign" in s.text]
    assert resigned and all(s.citations == ["a" if "did not" not in s.text else "b"] for s in resigned)
    # the same sentence in both outlets is still cited to both
    arts[1].text = arts[0].text
    story = analyze_story(Story(id="s", articles=["a", "b"]), arts, config=NO_NER)
    assert any(s.citations == ["a", "b"] for s in story.summary if "resigned" in s.text)
