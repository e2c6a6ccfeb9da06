"""The schema round-trips through JSON, keeps unknown fields, and hashes content stably."""

from __future__ import annotations

import json

import pytest

from newsfold.model import (
    Article,
    Claim,
    Entity,
    ErrorRecord,
    Family,
    FamilyMember,
    Quote,
    RunResult,
    Story,
    SummarySentence,
    TimelineEvent,
    content_hash,
)


def _story() -> Story:
    return Story(
        id="s-1",
        title="Ministers meet",
        articles=["a", "b"],
        families=[Family(id="a", origin="a", members=[FamilyMember(id="b", origin="a", relation="copy")])],
        sources={"articles": 2, "outlets": 2, "independent": 1},
        entities=[Entity(name="Ana Ruiz", type="PERSON", variants=["Ruiz"], mentions=3)],
        quotes=[Quote(speaker="Ana Ruiz", text="We agree.", articles=["a", "b"], independent_sources=1)],
        claims=[Claim(text="Talks began.", articles=["a"], values=[{"value": "12", "articles": ["a"]}])],
        summary=[SummarySentence(text="Talks began.", citations=["a"])],
        basis="single_origin",
        timeline=[TimelineEvent(time="2025-01-02", kind="published", text="a published", articles=["a"])],
    )


def test_run_result_round_trips_through_json():
    result = RunResult(
        articles=[Article(id="a", text="Body one.", removed=[{"text": "Also Read: x", "rule": "related_link"}])],
        stories=[_story()],
        errors=[ErrorRecord(path="bad.jsonl", position=3, reason="invalid JSON", kind="malformed_json")],
    )
    text = json.dumps(result.to_dict())
    back = RunResult.from_dict(json.loads(text))
    assert back == result
    assert isinstance(back.stories[0].families[0].members[0], FamilyMember)
    assert isinstance(back.stories[0].claims[0], Claim)


def test_unknown_article_fields_are_kept_in_meta():
    art = Article.from_dict({"id": "x", "text": "t", "section": "World", "meta": {"k": 1}})
    assert art.meta == {"section": "World", "k": 1}


def test_content_hash_ignores_whitespace_and_case_only():
    assert content_hash("A  b\nc") == content_hash("a b c")
    assert content_hash("a b c") != content_hash("a b d")
    assert Article(id="1", text="Same text.").content_hash == Article(id="2", text="same  text.").content_hash


def test_an_untitled_article_is_called_by_the_first_line_of_its_text():
    from newsfold.model import Article

    long_first = "Barbs and pleas before the vote as candidates crossed the state in snow, " * 3
    assert Article(id="a", text="Body.", title="Harbour plan approved").headline == "Harbour plan approved"
    assert Article(id="a", text="\n\nBarbs and pleas before N.H. vote.\n\nMore text.").headline == \
        "Barbs and pleas before N.H. vote."
    cut = Article(id="a", text=long_first).headline
    assert cut.endswith("…") and len(cut) <= 92 and long_first.startswith(cut[:-1])
    assert Article(id="a", text="").headline == "a"
    assert "headline" not in Article(id="a", text="x").to_dict()


def test_a_note_above_an_untitled_text_does_not_name_it():
    """"Correction: An earlier version of this article misstated a detail." named a story."""
    from newsfold.model import Article

    text = ("Correction: An earlier version of this article misstated a detail. It has been corrected.\n\n"
            "Hansbrough breaks 30-year-old scoring mark\n\nTyler Hansbrough broke the record on Thursday.")
    assert Article(id="a", text=text).headline == "Hansbrough breaks 30-year-old scoring mark"
    assert Article(id="a", text="This story is updated at the bottom with a response from the mayor.\n\n"
                   "Mayor answers critics\n\nBody.").headline == "Mayor answers critics"
    only = "UPDATE: This story has been updated with additional information."
    assert Article(id="a", text=only).headline == only  # nothing else to go by


@pytest.mark.parametrize("label", ["Features", "Local News More>>", "English >> World", "INTRODUCTION:",
                                   "To our community,", "Play Facebook"])
def test_a_page_label_above_an_untitled_text_does_not_name_it(label):
    """A story was called "Features": the section label a scraped page opened with."""
    from newsfold.model import Article

    text = f"{label}\n\nAt the silver anniversary of the awards, actors will enjoy some bonding.\n\nMore."
    assert Article(id="a", text=text).headline.startswith("At the silver anniversary of the awards")
    assert Article(id="a", text=f"{label}\n\nMore.").headline == label  # nothing else to go by


@pytest.mark.parametrize("given", [
    "By Staff Sgt. Ana Velt, 7th Air Force Public Affairs / Published March 24, 2017",
    "Ana Velt (second row, centre) liked what she heard. REUTERS/Tom Ru",
    "This story is updated at the bottom with a response from the mayor",
    "This article was amended on 9 June 2016 to correct the mayor's name",
])
def test_a_given_title_that_is_a_byline_caption_or_note_does_not_name_the_article(given):
    """Feeds put bylines, photo captions and update notes in the title field; they named stories."""
    from newsfold.model import Article

    art = Article(id="a", title=given, text="Kessel port reopened on Monday after the storm.\n\nMore.")
    assert art.headline == "Kessel port reopened on Monday after the storm."
    assert Article(id="b", title="By the numbers: Kessel's storm", text="Text.").headline == \
        "By the numbers: Kessel's storm"


def test_an_id_ending_in_a_superscript_digit_is_no_version():
    """"a~²" passed isdigit() and raised in int(): one such id stopped a whole run's analysis."""
    from newsfold.model import version_of

    assert version_of("a~²") is None and version_of("a~3") == ("a", 3) and version_of("a~1") is None
