"""Quote extraction: quote marks that quote nobody (titles of works, headlines, markup)."""

from __future__ import annotations

import pytest

from newsfold.analyze.quotes import extract_quotes


def _speaker_texts_are(cases: dict) -> None:
    """Each text holds one quotation, whose speaker phrase is the expected one."""
    for text, expected in cases.items():
        assert [q.speaker_text for q in extract_quotes("a", text)] == [expected], text


def _kinds(text):
    return {q.text: q.kind for q in extract_quotes("a", text)}


def test_titles_of_works_are_not_quotes():
    text = ("The deal was struck, according to his book “The Art of the Deal.” He also appeared on "
            "CNN’s “State of the Union,” where he spoke about it.\n\n"
            "“We will win this,” Smith said.")
    kinds = _kinds(text)
    assert "The Art of the Deal." not in kinds and "State of the Union," not in kinds
    assert kinds["We will win this,"] == "direct"


def test_article_headline_with_byline_and_dated_slogans_are_not_direct():
    text = ("FAREWELL—\"The Living Room to close at the end of December,\" by Times' Ben Sisario.\n\n"
            "The party ran posters: “Free pass for all? No.” (2007) — “Lose work? Lose safety!” (2005).")
    kinds = _kinds(text)
    assert all(k != "direct" for k in kinds.values()), kinds


def test_markup_attributes_are_not_quotes():
    text = ('He wrote online. <tweet tweet-author="@someone" tweet-date="March 9, 2016">Stands '
            'empty; crowd in one end zone.</tweet>\n\n"It was empty," Jones said.')
    qs = extract_quotes("a", text)
    assert [q.text for q in qs] == ["It was empty,"] and qs[0].kind == "direct"


def test_title_cased_headline_quote_is_partial_but_a_colon_headline_quote_stays_direct():
    text = ("Dr. Ben Carson: Hillary Clinton ‘Not Fit To Serve As President Of The United States.’\n\n"
            "Marco Rubio: ‘You Don’t Win The Nomination By How Many States You Win.’\n\n"
            "Asked about it, she said, “It Is Time For A Change.”")
    kinds = _kinds(text)
    assert kinds["Not Fit To Serve As President Of The United States."] == "partial"
    assert kinds["You Don’t Win The Nomination By How Many States You Win."] == "direct"
    assert kinds["It Is Time For A Change."] == "direct"  # introduced by a cue: a quote


def test_a_quoted_line_of_an_article_is_partial():
    text = ("Sullivan forwards an article that included the line “Ever since the president announced "
            "a pivot to Asia, things have changed.” He liked it.")
    kinds = _kinds(text)
    assert list(kinds.values()) == ["partial"]


def test_a_proper_noun_spelled_like_a_cue_is_no_cue():
    # 'States' (United States) is no 'states' cue: the quoted fragment continues the
    # reporter's clause, so it is partial, with the sentence subject as its speaker
    text = ("Sanders issued a statement last week, insisting that the United States “must stop "
            "treating Puerto Rico like a colony.” Clinton disagreed.")
    qs = extract_quotes("a", text)
    assert len(qs) == 1 and qs[0].kind == "partial"
    assert qs[0].speaker_text != "the United"
    qs = extract_quotes("a", "Said Lavrov: “We agree on the plan.”")
    assert qs[0].kind == "direct" and qs[0].speaker_text == "Lavrov"


def test_a_show_named_after_told_is_no_quote():
    text = ('"He is fair game," Fiorina told "Fox and Friends," reminding the hosts of it.')
    qs = extract_quotes("a", text)
    assert [q.text for q in qs] == ["He is fair game,"]


def test_a_one_word_answer_after_a_cue_is_a_direct_quote():
    text = ('Asked whether he would fire the writer, Priebus said, "Probably." Then he left. '
            'Others called the plan "rigged" on Tuesday.')
    qs = extract_quotes("a", text)
    assert [(q.text, q.kind, q.speaker_text) for q in qs] == [("Probably.", "direct", "Priebus")]


def test_a_speaker_with_a_title_or_initials_after_the_quote():
    text = ('The company went bankrupt.\n\n"Everybody knew what to expect in Round 2," Mr. Barrett '
            'said.\n\n"We won," Leonard E. Burman, director of the U.S. center, said.')
    qs = extract_quotes("a", text)
    assert [q.speaker_text for q in qs] == ["Mr. Barrett", "Leonard E. Burman"]


#: one quote each and who says it. After the cue the speaker stops before the time phrase, the
#: full stop and the next sentence; "of" inside a title is kept; "one"/"another" open a speaker.
#: Before the cue an age or a relative clause is skipped, and whoever was told never speaks.
SPEAKER_CASES = {
    "“We are ready for the match,” said coach Anna Berg on Friday.": "Anna Berg",
    "“We are ready,” said Secretary of State Mara Lind in a statement.": "Secretary of State Mara Lind",
    "“We are ready,” said master of ceremonies Ivo Petric.": "Ivo Petric",
    "“We are ready,” said the mayor.": "the mayor",
    "“We are ready,” said former President George W. Bush.": "President George W. Bush",
    "“It was close,” added another county official. Yet others disagreed.": "another county official",
    "“It was close,” said one senior aide, who asked not to be named.": "one senior aide",
    "“I doubt it,” said Lena Ostrova of the University of Kestrel School of Law.": "Lena Ostrova",
    # the spokesman speaks, not the person he speaks for
    "“No comment,” a spokesman for Governor Halvard Renn told reporters.":
        "a spokesman for Governor Halvard Renn",
    "“We reopen on Monday,” the head of the port authority said.": "the head of the port authority",
    "“We were wrong not to confront him,” Ilse Varga, 58, told NWR in an interview on Monday.": "Ilse Varga",
    "“This post has always been unpaid,” Mara Lind, who served as chief of staff, told the Courier.":
        "Mara Lind",
    "“It is going well,” Renn told reporters.": "Renn",
    # a title's full stop and a party tag in brackets do not end the name
    "“We need the truth,” said Rep. Carla Munt (R-Fla.) outside the chamber.": "Rep. Carla Munt",
    "“We need the truth,” Rep. Carla Munt (R-Fla.) said.": "Rep. Carla Munt",
    "“It is a waste of time,” said Del. Carla Munt on Friday. Others agreed.": "Del. Carla Munt",
    "“Hold the line,” said Maj. Ivo Petric. Others agreed.": "Maj. Ivo Petric",
    # a participle's phrase after the speaker is not part of it; an '-ing' adjective is
    "Protesters marching through the streets said: “We stay.”": "Protesters",
    "Residents living near the plant told reporters: “We are afraid.”": "Residents",
    "“We won,” the ruling party spokesman said.": "the ruling party spokesman",
    # an affiliation after the name is not the speaker
    "“It is obstruction,” Representative Ted Arlo, Democrat of Norland, wrote on Monday.": "Representative Ted Arlo",
    # a long appositive holding 'and' or a dash: the name it follows speaks
    "“It is fiscally sound,” Lena Ostrova, director of the Kestrel Policy Center and a professor at Averin "
    "University, said.": "Lena Ostrova",
    "Ivo Petric, the head of Ora Media -- the company that runs the channel -- told me, “We sell content.”":
        "Ivo Petric",
    # an opener before the appositive is no name: the appositive's own name speaks
    "On Monday, the minister, Ivo Petric, said: “We sell content.”": "Ivo Petric",
    # a dash and a name closing the line (a reader's comment, a signed testimony)
    "“He does not know our lives.”\xa0― Mara Lind.\n“Next one.”": "Mara Lind",
    # the sentence before ends 'X said.': X says the quote that follows
    "The ministry may wait for the talks, Halvard Renn said. “The other factor is the vote.”": "Halvard Renn",
}


@pytest.mark.parametrize("text", list(SPEAKER_CASES))
def test_the_speaker_phrase_around_the_cue(text):
    found = extract_quotes("a", text, None)
    assert found and found[0].speaker_text == SPEAKER_CASES[text], [q.speaker_text for q in found]


def test_british_single_marks_in_body_text_are_quotes_but_not_in_headlines():
    text = ("'It is a disaster for the harbour town,' the mayor, Ilse Varga, told reporters.\n\n"
            "'We are ready,' said coach Anna Berg on Friday. 'The players' union agreed with us.'\n\n"
            "Mayor calls the flood 'a disaster for us all.'\n\n"
            "Fans of rock 'n' roll in the '90s packed the old hall, the players' union said on Monday.")
    found = extract_quotes("a", text, None)
    assert [(q.text, q.speaker_text) for q in found] == [
        ("It is a disaster for the harbour town,", "Ilse Varga"),
        ("We are ready,", "Anna Berg"),
        ("The players' union agreed with us.", "Anna Berg"),
    ]


def test_low_high_quotes_close_with_the_high_mark():
    text = "„Bisher gibt es keine größeren Schäden“, sagte Tavera dem Radiosender RPP am Dienstag."
    found = extract_quotes("a", text, None)
    assert [q.text for q in found] == ["Bisher gibt es keine größeren Schäden"]


def test_a_headline_quote_in_single_marks_after_a_colon_is_direct():
    text = "Varga: 'We will rebuild the harbour.'\n\nThe mayor spoke in the square on Monday."
    found = extract_quotes("a", text, None)
    assert [(q.text, q.speaker_text, q.kind) for q in found] == [
        ("We will rebuild the harbour.", "Varga", "direct")]


def test_a_quoted_transcript_of_several_speakers_is_not_one_quote():
    text = ('Partial transcript as follows:\n\n"HOST: Governor, will the pass reopen this week?\n\n'
            '"RENN: We hope so. The geologists will tell us on Monday.\n\n"HOST: Thank you."\n\n'
            '"We hope so," Renn said later.')
    found = extract_quotes("a", text, None)
    assert [q.text for q in found] == ["We hope so,"]


def test_a_dateline_or_a_heading_in_capitals_is_no_speaker():
    text = ("PORT AVERIN — Rescuers worked through the night.\n\n"
            "“We are still pulling people out of the rubble,” the rescue chief told NWR.")
    assert [q.speaker_text for q in extract_quotes("a", text, None)] == ["the rescue chief"]
    text = ("PORT AVERIN, May 3 (NWR) — In response to the quake, the mayor's right-hand woman "
            "rallied volunteers, saying: “We have to be ready to dig.”")
    assert [q.speaker_text for q in extract_quotes("a", text, None)] != ["PORT AVERIN"]


def test_a_sentence_adverb_is_no_speaker():
    """The subject of the sentence before a quotation speaks it ("Lena Ortiz left the pier.
    "We start again tomorrow."); "Nonetheless," opening that sentence is no subject."""
    for adverb in ("Nonetheless", "Ultimately", "Separately"):
        text = (f"{adverb}, the talks in Port Averin went on into the night. "
                "\u201cIt will be difficult, and everybody will do the sane thing and work it out,\u201d says one.")
        assert [q.speaker_text for q in extract_quotes("a", text, None)] != [adverb]
    text = ("Lena Ortiz left the pier at dusk. "
            "\u201cWe start again tomorrow, whatever the swell does to the old harbour wall.\u201d")
    assert [q.speaker_text for q in extract_quotes("a", text, None)] == ["Lena Ortiz"]
    # an adverb before the subject is not part of the speaker ('Recently she' -> 'she')
    text = ("Mara Lind chairs the harbour committee. Recently she announced on her page, in "
            "capitals, \u201cWe are leaving the old pier to the gulls!\u201d")
    assert [q.speaker_text for q in extract_quotes("a", text, None)] == ["she"]


def test_a_colon_gives_the_quotation_to_a_subject_that_can_speak():
    """"The bias begins to show when looking at how the site rated this statement by Lind on
    June 11: “…”" named "The bias" the speaker. The subject of a sentence introducing a
    quotation with a colon speaks it when it is a name, a pronoun, a person's role or a
    writing ("The statement read:")."""
    quote = "\u201cWe will not leave this square until the harbour law is changed.\u201d"
    for intro, speaker in (
            ("The bias begins to show when looking at how the site rated this statement by Lind on June 11:", None),
            ("The challenge for the port is plain:", None),
            ("She then addressed the crowd:", "She"),
            ("The minister then told the assembly:", "The minister"),
            ("The statement read:", "The statement")):
        (q,) = extract_quotes("a", f"{intro} {quote}", None)
        assert q.speaker_text == speaker, intro


def test_the_name_shown_is_the_person_the_speaker_phrase_names():
    """The speaker phrase names an organisation or a place beside the person ("Harvard law
    professor X", "the mountaineer from Interlaken"): readers are shown the person, never the
    place (the phrase itself when it names no person)."""
    from newsfold.analyze.entities import build_entities
    from newsfold.analyze.quotes import make_resolver
    from newsfold.config import Config
    from newsfold.model import Article

    cases = {
        "“It would raise stronger problems,” Kestrel University law professor Lena Ostrova said on Monday.":
            "Lena Ostrova",
        "“We did not touch them,” said the 40-year-old climber from Port Averin, Norland.":
            "the 40-year-old climber from Port Averin",
        "“We will rebuild,” said the mayor of Port Averin.": "the mayor of Port Averin",
        "“It is obstruction,” Representative Ted Arlo, Democrat of Norland, wrote on Monday.": "Ted Arlo",
        # the person closing a descriptor, or named before what they belong to, is the speaker
        # (these were shown as the organisation, or as the whole phrase)
        "“The race is close,” Varn Action chief strategist Ola Brekke said.": "Ola Brekke",
        "“Prices will rise,” said Ida Lunde of the Norland Retail Federation.": "Ida Lunde",
        "“The gap is small,” wrote Tor Holm for Morning Ledger.": "Tor Holm",
        # an article, a cue or a lower-case tail is no descriptor or belonging
        "“We are tired,” a Norland Democrat said.": "a Norland Democrat",
        "“It worked,” one Club for Growth ad said.": "one Club for Growth ad",
    }
    for text, expected in cases.items():
        art = Article(id="a", text="Officials spoke on Tuesday in Port Averin.\n\n" + text)
        found = extract_quotes("a", art.text, make_resolver(art, build_entities([art], Config(ner_model="none"))))
        assert [q.speaker for q in found] == [expected], text


def test_a_participles_phrase_ends_the_speaker_but_a_noun_in_ing_does_not():
    from newsfold.analyze.quotes import clean_speaker

    for phrase, want in [("Protesters marching through the streets", "Protesters"),
                         ("Fans waiting outside the stadium", "Fans"),
                         ("A spokesman for the building in Kelda", "A spokesman for the building in Kelda"),
                         ("Officials at the meeting in Vienna", "Officials at the meeting in Vienna")]:
        sp = clean_speaker(phrase, (0, len(phrase)))
        assert sp is not None and phrase[sp[0]:sp[1]] == want


def test_a_numbered_person_and_a_title_abbreviation_speak():
    """'Juror No. 12 said' named "Juror No" (the number's full stop ended the phrase), and
    'Del. Velt said' named nobody ("Del." was not among the titles the phrase may hold)."""
    from newsfold.analyze.entities import build_entities
    from newsfold.analyze.quotes import make_resolver
    from newsfold.config import Config
    from newsfold.model import Article

    cases = {
        "“We could not agree on anything,” Juror No. 12 said after the verdict.": "Juror No. 12",
        "“It was my fault,” Witness No. 3 told the court.": "Witness No. 3",
        "“I am here,” said Juror No. 4.": "Juror No. 4",
        "“The bill is dead,” Del. Velt said on Tuesday.": "Del. Velt",
        "“It is over,” Maj. Tom Reed said.": "Maj. Tom Reed",
    }
    _speaker_texts_are(cases)
    text = ("The jury in Harlow failed to reach a verdict on Tuesday.\n\n"
            "“We could not agree on anything,” Juror No. 12 said after the verdict.")
    art = Article(id="a", text=text)
    index = build_entities([art], Config(ner_model="none"))
    assert [q.speaker for q in extract_quotes("a", text, make_resolver(art, index))] == ["Juror No. 12"]
    assert not any("Juror" in e.name for e in index.to_entities())
    # "No. 12" alone, or a number after a word that names no person, is no speaker
    for text in ("“It was fine,” No. 12 said.", "“It was fine,” Chapter 11 said."):
        assert [q.speaker_text for q in extract_quotes("a", text)] == [None], text


def test_who_speaks_before_a_participle_a_party_tag_or_after_an_owner():
    """Read on PolNeAR dev's wrong speaker names: 'footage of Hillary Clinton asking, “…”'
    named "The ad"; '… in Iraq and Libya, saying, “…”' named "Libya"; 'Mitch McConnell,
    R-Ky., said' named nobody; a sentence ending "said of Mrs. Clinton's plan." before a
    quotation named "Clinton's"."""
    cases = {
        "The ad uses footage of Hillary Clinton asking, “Why aren’t I 50 points ahead, you might ask?”":
            "Hillary Clinton",
        "In a speech earlier in the day, Trump attacked Clinton for her support of military action "
        "in Iraq and Libya, saying, “She’s trigger-happy and very unstable.”": "Trump",
        "The minister rejected the plan, saying: “It will not work.”": "The minister",
        "“Our assumption is that the veto will be overridden,” Senate Majority Leader Mitch McConnell, "
        "R-Ky., said Tuesday.": "Senate Majority Leader Mitch McConnell",
    }
    _speaker_texts_are(cases)
    text = ("The plan drew praise from Ana Velt, who said of Mrs. Clinton's plan. "
            "“It doesn't make our long-term fiscal problems worse.”")
    assert all(q.speaker_text != "Clinton's" for q in extract_quotes("a", text))


def test_continuations_descriptors_and_possessive_appositives():
    """More of PolNeAR's wrong or missing speakers: a title's full stop read as the end of the
    previous quote's attribution broke its continuation; a lower-case descriptor before the
    name ("panel Chairman"), a "9/11 widow" and an appositive opening with an owner ("Mr.
    Obama's deputy ...") hid the speaker, and a quotation whose own attribution was missed
    took the previous quotation's speaker across a paragraph."""
    cases = {
        '"They have that right under the Constitution," Rep. John Mica (R-Fla.) said. '
        '"If you continue that, you destroy the whole basis of our government."':
            ["Rep. John Mica", "Rep. John Mica"],
        '"Subpoenas are not optional," panel Chairman Rep. Jason Chaffetz (R-Utah) said after the hearing.':
            ["Chairman Rep. Jason Chaffetz"],
        '"The rationales do not hold weight. They are wrong," said 9/11 widow Terry Strada.': ["Terry Strada"],
        "''Because I thought there would be extremist groups,'' Mrs. Clinton said Saturday.\n\n"
        "The images from France have not prompted Mr. Obama to change course.\n\n"
        "''We don't believe U.S. troops are the answer,'' Benjamin J. Rhodes, Mr. Obama's deputy "
        "national security adviser, said Sunday.": ["Mrs. Clinton", "Benjamin J. Rhodes"],
        # a pronoun's quotation still continues the previous speaker
        "“Clinton isn’t likely to flip the state,” the newspaper admitted.\n\n"
        "“But the crisis should be a call to conscience,” it added.": ["the newspaper", "the newspaper"],
    }
    for text, expected in cases.items():
        assert [q.speaker_text for q in extract_quotes("a", text)] == expected, text


def test_a_role_after_the_cue_gives_way_to_the_name_in_its_appositive():
    """British order, 'said the mayor, Anna Holt.': the speaker was "the mayor", which the story
    then resolved to whichever person the text named last."""
    cases = {
        "‘We will rebuild the bridge,’ said the mayor, Anna Holt. Work starts soon.": "Anna Holt",
        "“We will rebuild,” said the mayor, Anna Holt, who took office in May.": "Anna Holt",
        "“We will rebuild,” said a spokesman, Piet van Dam.": "Piet van Dam",
        # no name after the comma: the role stays
        "“We will rebuild,” said the mayor, adding that work starts soon.": "the mayor",
        "“We will rebuild,” said the mayor, Monday Night.": "the mayor",
    }
    _speaker_texts_are(cases)


def test_an_owners_role_is_not_the_owner_and_an_age_is_the_person_just_named():
    """'said Hayes's attorney, John Fuller' named Hayes, and "Conroy's wife said" named Conroy:
    the resolver took the owner's name for the speaker. "the 54-year-old said" stayed a phrase."""
    from newsfold.analyze.entities import build_entities
    from newsfold.analyze.quotes import make_resolver
    from newsfold.config import Config
    from newsfold.model import Article

    lead = "Cardell Hayes appeared in court in the town of Orlen on Monday. "
    cases = {
        "“My client did not hunt anyone down,” said Hayes’s attorney, John Fuller.": "John Fuller",
        "“My client did not hunt anyone down,” Hayes's attorney said.": "Hayes's attorney",
        "“He was calm,” the 28-year-old said.": "Cardell Hayes",
        # a role owned by a common noun still takes the person just named
        "“He was calm,” the family's lawyer said.": "Cardell Hayes",
    }
    for tail, expected in cases.items():
        art = Article(id="a", text=lead + tail)
        index = build_entities([art], Config(ner_model="none"))
        assert [q.speaker for q in extract_quotes("a", art.text, make_resolver(art, index))] == [expected], tail


def test_a_relative_clause_gives_the_quotation_to_its_antecedent():
    """'…, Elena Marsh, who called the visit "the start of a new chapter"' had no speaker (the
    demo corpus), and '…, who said the visit was "…"' gave "the visit": the noun after the cue."""
    cases = {
        "Al-Karimi was met by Foreign Minister Elena Marsh, who called the visit \"the start of a "
        "new chapter\".": "Foreign Minister Elena Marsh",
        "He was met by Elena Marsh, who said the visit was \"the start of a new chapter\".": "Elena Marsh",
        "He met Elena Marsh, who described the talks as \"difficult but honest\".": "Elena Marsh",
        "He met the minister, who later said the talks were \"difficult but honest\".": "the minister",
        # neither a name nor a role before "who", or the cue far from the quotation: no speaker
        "He met the crowds, who said the talks were \"difficult but honest\".": None,
        "A singer who has said she met the minister filed a suit on Monday in the capital, hoping "
        "in the end to \"set the record straight\" on the matter.": None,
        # what follows "called" was named, it does not speak
        "Critics have called the plan \"a disaster\".": None,
    }
    _speaker_texts_are(cases)


def test_a_pronoun_skips_a_person_the_story_gives_the_other_honorific():
    """'"…," he said' after 'Ms. Clifford' went to Stephanie Clifford: the person named just
    before, whatever the pronoun. An honorific ("Mr.", "Mrs.", "Ms.") fixes a person's gender."""
    from newsfold.analyze.entities import build_entities
    from newsfold.analyze.quotes import make_resolver
    from newsfold.config import Config
    from newsfold.model import Article

    text = ("Mina Okafor's lawyer, Piet Varga, filed the suit on Monday. Mr. Varga spoke to "
            "reporters outside the court in Harlow after Ms. Okafor left.\n\n"
            "“She wants the public to learn the truth,” he said.\n\n"
            "“I will not be silenced,” she said.")
    art = Article(id="a", text=text)
    index = build_entities([art], Config(ner_model="none"))
    got = [q.speaker for q in extract_quotes("a", text, make_resolver(art, index))]
    assert got == ["Piet Varga", "Mina Okafor"]


def test_an_adverb_between_the_speaker_and_the_cue():
    """'"…," Smith later said' and '"…," the president proudly stated' had no speaker: the
    phrase before the cue must end in a name, pronoun or role, and it ended in the adverb."""
    _speaker_texts_are({
        "“It is clear,” Smith later said.": "Smith",
        "“It is clear,” the president proudly stated.": "the president",
        "“It is clear,” Lindsey Lassiter recently noted.": "Lindsey Lassiter",
        "“It is clear,” Kelly said.": "Kelly",  # a name ending in -ly stays whole
        "“We are sad,” the family said.": "the family",  # and so does a noun after a determiner
        "“We are sad,” the family later said.": "the family",
    })


def test_a_relative_clause_ends_the_speaker_after_the_cue_and_texts_speak_through_reads():
    """'"Meh," wrote a Trump supporter who runs the account' had no speaker (the phrase ran past
    seven words); '"…," the two write' and '"…," the statement reads' had none either."""
    _speaker_texts_are({
        "“Meh,” wrote a supporter who runs the Orlen Herald account.": "a supporter",
        "“It is clear,” said Anna Holt, who runs the mill.": "Anna Holt",
        "“It is clear,” the two write.": "the two",
        "“We are devastated,” reads the letter, which was handed to tenants.": "the letter",
    })


def test_one_or_this_before_a_role_is_a_speaker_and_a_reads_noun_is_no_cue():
    _speaker_texts_are({
        "“It is clear,” one Trump campaign source said.": "one Trump campaign source",
        "“It is clear,” this source told the Post.": "this source",
        "The letter reads: “We are devastated.”": "The letter",
        # "reads" as a noun before a title in quotation marks
        "One of his recent reads, “This Kind of War,” is a history of Korea.": None,
    })


def test_an_adverb_after_an_auxiliary_keeps_the_clause_inside_anothers_report():
    """Seed 002: "He indicated that ... Syria's new administration has consistently affirmed,
    “…”" is al-Shaibani's report (the story gives it to him from context); stripping the adverb
    made the administration the speaker."""
    _speaker_texts_are({
        "He indicated that the new administration has consistently affirmed, “we want peace.”": None,
    })


def test_a_possessive_subject_before_a_colon_keeps_its_noun():
    """'The group’s publicist sent the following statement:' gave the quotation to "The group’s"."""
    _speaker_texts_are({
        "The group’s publicist sent the following statement to reporters:\n\n"
        "“It is with sadness that we confirm the death of our friend.”": "The group’s publicist",
        "The band's manager sent this statement:\n\n“We are heartbroken by the news today.”":
            "The band's manager",
        "The ad uses footage of the rally:\n\n“We will win this state and we will win it big.”": "The ad",
    })



def test_a_story_lists_what_people_said_before_quoted_titles():
    """A song title four outlets put in quote marks led the story's quotes, above a statement."""
    from newsfold.analyze.quotes import FoundQuote, group_quotes
    from newsfold.model import Article

    title = "“Quiet Storm.”"
    said = "“We are heartbroken by the news today,” the manager said."
    arts = [Article(id=k, text=f"The hit was {title} {said if k == 'a' else ''}") for k in "abc"]
    found = [FoundQuote(a.id, 12, 26, "Quiet Storm.", "partial") for a in arts]
    found.append(FoundQuote("a", 27, 68, "We are heartbroken by the news today,", "direct",
                            speaker="the manager"))
    quotes = group_quotes(found, arts, len)
    assert [(q.kind, len(q.articles)) for q in quotes] == [("direct", 1), ("partial", 3)]


def test_a_possessive_her_opens_a_speaker_and_a_role_before_a_long_appositive_is_passed():
    """'Her sister Stephanie said: "…"' had no speaker ("her" read as a pronoun object), and
    neither had '"…," senior study author A. Vania Apkarian, a professor …, said' (the initial's
    period read as a sentence end)."""
    _speaker_texts_are({
        "“We can explain why people recover,” senior study author J. Mira Vell, a professor at "
        "Kessel University, said.": "J. Mira Vell",
        "Her sister Ora said: “Having an end of the case lets us remember her at last.”": "Her sister Ora",
        "“It is clear,” her husband said.": "her husband",
        "“We can explain why people recover,” senior study author J. Ora Vell, a professor of "
        "physiology at Kessel University, said in a statement.": "J. Ora Vell",
        # a possessive phrase that names no one does not speak
        "She escalated her criticism on Tuesday, telling reporters that the plan is “a fake.”": None,
    })


def test_a_cue_coordinated_with_the_verb_before_it_takes_that_verbs_subject():
    """'Bannon laughed and said, "…"' and 'Trump called on her to resign and said, "…"' had no
    speaker: the phrase before "and said" is the first verb's object, not a speaker."""
    _speaker_texts_are({
        "Velt laughed and said, “You are right about the port.”": "Velt",
        "Velt called on him to resign from his post and said, “His time is up now.”": "Velt",
        "Eight years ago, he supported Ana Velt over Tom Ru and said, “It was an easy choice.”": "he",
        # a name inside the first verb's object is not its subject
        "Later he paid a visit to the border at Laredo, Kessel and explained why “the wall will rise.”": None,
        "A lot of people have come up to me and said, “We want the port open again.”": None,
        # a determiner and a person noun ("Another prospective juror stood up and said")
        "Another prospective juror stood up and said, “I cannot be fair to him.”": "Another prospective juror",
        "One local resident stood up and said, “We want the port open.”": "One local resident",
    })


def test_a_short_title_cased_utterance_with_its_cue_is_said_not_a_slogan():
    """'"Happy Cinco de Mayo!," he tweeted. "The best …"' read the greeting as a slogan (most of
    its words capitalised), so it was a partial quotation and the sentence after it had no
    speaker to continue."""
    text = ("The team landed at noon. “Go Riverton Rovers, go!!!,” team captain Lena Ortiz wrote on "
            "Facebook. “We are on the same wavelength now.”\n\nThe bus left at two.")
    found = extract_quotes("a", text)
    assert [(q.kind, q.speaker_text) for q in found] == [
        ("direct", "team captain Lena Ortiz"), ("direct", "team captain Lena Ortiz")]
    # a slogan named in a sentence stays a partial quotation
    assert _kinds("Their signs read “Make Riverton Great Again” at every rally this year.")[
        "Make Riverton Great Again"] == "partial"


def test_said_verbs_of_manner_and_reply_attribute():
    """'"This is fantastic!" beamed X' and '"Go back," Trump barked' had no speaker: the cue
    list lacked verbs of manner and reply that PolNeAR and Multi-News write after quotations."""
    _speaker_texts_are({
        "“This is fantastic!” beamed Dana Fell of Tulsa, who came for the parade.": "Dana Fell of Tulsa",
        "“Go back to your seat,” Kerr barked at the reporter.": "Kerr",
        "“It was a long night,” remembered Ivo Lind, the former spokesman.": "Ivo Lind",
        "“Not today,” the mayor shot back.": "the mayor",
    })


def test_a_pronoun_after_an_opening_phrase_is_the_subject():
    """'In the kitchen he told reporters, "…"' had no speaker: "In the kitchen he" was read as
    one noun phrase, which no check accepted. A pronoun is a whole noun phrase."""
    _speaker_texts_are({
        "In the kitchen he told reporters, “We are ready for the storm tonight.”": "he",
        "At the mention of the port she laughed and said, “That was a long year.”": "she",
    })


def test_a_cue_after_a_comma_and_but_takes_the_main_clause_subject():
    """'Carson did not mention his rivals by name, but told his supporters, "…"' had no speaker,
    and in 'X joked that Oslo was his answer, but went on to say' the subject of the "that"
    clause would have spoken."""
    _speaker_texts_are({
        "Brandt did not mention her rivals by name, but told her supporters, “Our town is in "
        "trouble.”": "Brandt",
        "Brandt joked that Oslo was her answer, but went on to say, “Some places are far worse.”": "Brandt",
        "On Monday, Lee spoke for an hour, but told the crowd, “We will be back next year.”": "Lee",
    })


def test_a_participle_cue_after_a_connective_or_an_opening_phrase():
    """'And then Trump went on the attack, saying, "…"' and 'At the time, she released a
    statement saying, "…"' had no speaker: the connective and the opening phrase hid the
    subject."""
    _speaker_texts_are({
        "And then Brandt went fully on the attack, saying, “Is the council going to act now?”": "Brandt",
        "At the time, she released a statement saying, “The firm has been a trusted partner.”": "she",
    })


def test_a_stray_straight_mark_does_not_swallow_the_next_curly_quotation():
    """A paragraph opened by a straight mark that never closes ran on into the next paragraph's
    curly “…”, so "“It never crossed my mind,” she said" was lost inside one long quotation.
    A quotation continued into the next paragraph reopens with its own kind of mark."""
    text = ("The papers said little.\n\n"
            "\"Mara thought the whole thing was outrageous. She was anxious, sure. But certainly "
            "not in need of a hospital stay.\n\n"
            "“It never crossed my mind that I was losing it,” she said months later.")
    found = {q.text: q.speaker_text for q in extract_quotes("a", text)}
    assert found.get("It never crossed my mind that I was losing it,") == "she"
    # a quotation continued in its own marks still spans both paragraphs
    text = ("He read the letter aloud.\n\n“We came here in the spring. The river was high.\n\n"
            "“Nobody warned us,” the letter ends.")
    spans = [q.text for q in extract_quotes("a", text)]
    assert len(spans) == 1 and "river was high" in spans[0] and "Nobody warned us" in spans[0]


def test_a_statement_introduced_after_an_opening_phrase_names_its_speaker():
    """'After the attack, Republican presidential nominee X issued the following statement:' and
    the quoted paragraph after it: the opening phrase hid the subject, and a subject of
    capitalised words, a role and a name was cut to its first word."""
    text = ("After the flood, Republican mayoral nominee Ana Velt issued the following statement:\n\n"
            "“Our thoughts are with every family on the river. We will rebuild.”\n\nMore to come.")
    assert [q.speaker_text for q in extract_quotes("a", text)] == ["Republican mayoral nominee Ana Velt"]
    # the rest of a place after an opening phrase, or an owner, does not speak
    _speaker_texts_are({
        "In Birmingham, Alabama, a voice celebrated on the radio: “We are already here with our people.”": None,
        "At the summit, Velt's first questioners were hostile: “Is it time for your plan to change?”": None,
        # a heading before the comma is no opening phrase (read on Multi-News: "President")
        "FIRST LOOK: PORT HEARING - Ana Velt, President and CEO, at today's hearing: “The port "
        "has outstanding debts.”": "Ana Velt",
    })


def test_a_newsletter_item_quotes_the_name_after_its_headings_dash():
    """"POLLSTERS AGREE - Carl Bialik: “…”" was given to "Pollsters", the heading's first word,
    and "TODAY - Per a White House official: “…”" to nobody (or, by continuation, to the item
    before): the name between the heading's dash and the colon is quoted."""
    _speaker_texts_are({
        "POLLSTERS AGREE - Ola Brekke: “One lesson was simple: keep calling voters late.”": "Ola Brekke",
        "Media shares blame in poll hype - Varn Pollster: “Pollsters are taking a lot of heat.”": "Varn Pollster",
        "TODAY: JOBS BILL - Per a council official: “The mayor will travel to Varn on Monday.”": "a council official",
    })
    # a dash inside a sentence is no heading: the subject still speaks
    _speaker_texts_are({"The mayor said it was over - for now: “We will see next year.”": "The mayor"})


def test_sentence_openers_and_platforms_do_not_speak():
    """'Speaking in his real voice again, he … saying:' was given to "Speaking", 'Already,
    Velt's comments …' to "Already", and 'responded on Facebook writing, "…"' to Facebook."""
    _speaker_texts_are({
        "Speaking in his real voice again, he recited a verse, saying: “The hard times shall come.”": "he",
        "Ana Velt answered the question on Facebook writing, “Yes, I will. That was a poor choice.”": "Ana Velt",
    })
    found = extract_quotes("a", "Already, the council had met twice. “We are not done,” the chair said.")
    assert [q.speaker_text for q in found] == ["the chair"]
    from newsfold.analyze.quotes import _subject

    text = "Already, the council had met twice."
    assert _subject(text, 0, len(text)) is None


def test_a_person_the_model_missed_is_still_the_head_of_the_speaker_phrase():
    """spaCy tagged "Priorities USA" but not "Guy Cecil" in "Priorities USA chief strategist
    Guy Cecil said": the organisation opening the phrase was shown as the speaker. The full
    name closing a lower-case descriptor, or named before what it belongs to ("X of the Y"),
    is the person who speaks, whatever the model found."""
    from newsfold.analyze.entities import EntityIndex, Mention
    from newsfold.analyze.quotes import make_resolver
    from newsfold.model import Article

    # (speaker sentence: the one mention the model tagged, its type, the name shown); a person
    # tagged as the phrase's modifier is not its head ("Sanders campaign manager Jeff Weaver"),
    # a person tagged as its head is kept ("Majority Whip Ola Brekke of Norland")
    cases = {
        "“The race is close,” Varn Action chief strategist Ola Brekke said.": ("Varn Action", "ORG", "Ola Brekke"),
        "“Prices will rise,” said Ida Lunde of the Norland Retail Federation.": (
            "Norland Retail Federation", "ORG", "Ida Lunde"),
        "“We are tired,” a Norland Democrat said.": ("Norland", "ORG", "a Norland Democrat"),
        "“We will win,” Velt campaign manager Ola Brekke said.": ("Velt", "PERSON", "Ola Brekke"),
        "“It will pass,” said Majority Whip Ola Brekke of Norland.": ("Ola Brekke", "PERSON", "Ola Brekke"),
    }
    for text, (tagged, etype, expected) in cases.items():
        art = Article(id="a", text=text)
        at = text.index(tagged)
        index = EntityIndex([Mention("a", at, at + len(tagged), tagged, etype, False)])
        index.texts = {"a": text}
        assert [q.speaker for q in extract_quotes("a", text, make_resolver(art, index))] == [expected], text



def test_a_quotation_after_an_attributed_partial_one_continues_its_speaker():
    """'The summit accomplished "too little," he added on Twitter. "Without changing policies …"'
    and '… are "not meeting the demand," says Paul Rieckhoff, founder of X. "We often compare
    it …"' had no speaker: only a direct quotation's speaker was continued. A partial one that a
    speech verb attributes is continued too, over a short gap; a newsletter's next item (a
    heading in capitals, a "[Source.]" tag) continues nobody."""
    text = ("The summit accomplished “too little,” Ana Velt added on Twitter. “Without changing "
            "course on the port, the region risks a lot.”")
    assert [q.speaker_text for q in extract_quotes("a", text)] == ["Ana Velt", "Ana Velt"]
    text = ("Port talks stall - Ana Velt: the plan is “too little,” she said. [Ledger.]\n\n"
            "PORT WORKERS STRIKE AGAIN “It is about pay and nothing else this time.” [Tribune.]")
    assert [q.speaker_text for q in extract_quotes("a", text)] == ["she", None]


def test_a_gendered_role_before_a_name_tells_which_person_a_pronoun_is():
    """'… the foundation he runs with his wife, Priscilla Chan. "…," he said.' gave the quotation
    to Priscilla Chan: pronouns knew a person's gender only from an honorific. A role or kin
    noun written just before the name ("his wife,", "spokeswoman", "actress") says it too;
    "spokesman" does not (it is written of women: "Trump spokesman Hope Hicks")."""
    from newsfold.analyze.entities import build_entities
    from newsfold.analyze.quotes import make_resolver
    from newsfold.config import Config
    from newsfold.model import Article

    def speakers(text):
        art = Article(id="a", text=text)
        index = build_entities([art], Config(ner_model="none"))
        return [q.speaker for q in extract_quotes("a", text, make_resolver(art, index))]

    assert speakers("The gala was held by the foundation that Tomas Ruland runs with his wife, Ana "
                    "Velt.\n\n“Being a good citizen is really important,” he said.") == ["Tomas Ruland"]
    assert speakers("Campaign spokesman Ana Velt said the group was independent of Tomas Ruland.\n\n"
                    "“They are not affiliated with the campaign,” she said.") == ["Ana Velt"]
