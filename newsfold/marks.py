"""Notes about an article rather than news in it: update and correction notes, teaser lines,
credits (who published, republished or contributed to it).

Copy detection reads them as evidence of which version of a text came later
(``dedup.provenance``); the analysis leaves them out of claims and summaries
(``analyze.claims.article_units``); an untitled article is not named after one
(``model.display_title``). A module of its own so that the model can use it without
importing copy detection.
"""

from __future__ import annotations

import re

#: "This story has been updated ...", "This article was amended ...": the text changed after it ran
_STORY_CHANGED = (r"this (?:story|article|report|post) (?:has been|was|is) (?:last )?"
                  r"(?:updated|corrected|revised|amended)")
#: a note that the text was changed after it first ran: "UPDATE:", "Updated 4:08 p.m.",
#: "Correction:", "Editor's note", "This story has been updated...", "An earlier version of
#: this article..."
_UPDATE_NOTE = re.compile(
    r"^\W*(?:update[ds]?\s*(?::|\d|at\b|on\b)|correction\s*:|clarification\s*:|editor['\u2019]?s note\b)"
    rf"|\b(?:{_STORY_CHANGED}|an earlier version of this (?:story|article|report|post))", re.I)
#: a teaser's closing line, pointing to the whole text elsewhere: "Read the full story at ...",
#: "Continue reading ...", "Read more at ..."
_TEASER_END = re.compile(
    r"\b(?:read|see) (?:the|our) (?:full|whole|complete|entire) (?:story|article|report)\b"
    r"|^\W*continue reading\b|\bread (?:the )?(?:rest|more) (?:of (?:the|this) (?:story|article) )?(?:at|on)\b", re.I)


#: words without one of which ``_UPDATE_NOTE`` cannot match
_UPDATE_KEYS = ("update", "correction", "clarification", "editor", "corrected", "revised", "amended",
                "earlier version")


def is_editorial_mark(line: str) -> bool:
    """Whether a line is an update or correction note or a teaser's closing line: evidence of
    which version of a text came later, however many articles print it alike."""
    low = line.lower()  # a word each pattern needs, found first (they were ~25 µs a sentence)
    return bool(any(k in low for k in _UPDATE_KEYS) and _UPDATE_NOTE.search(line)
                or ("read" in low or "see" in low) and _TEASER_END.search(line))


#: a credit line: who (first) published, republished or contributed to the text, not news in
#: it, opening its line: "This story was originally published by ...", "This article is
#: republished from ...", "The Associated Press contributed to this report.", "Reporting by
#: ...; Editing by ...", "Reprinted with permission". News about a report ("The report was
#: published by the ministry ...") is not one.
_CREDIT = re.compile(
    r"^\W*this (?:story|article|report|piece|post|column|interview) (?:was|is|has been) "
    r"(?:originally |first |also )?(?:published|republished|reprinted|carried|distributed"
    r"|produced|syndicated)\b"
    r"|^\W*(?:originally|first) (?:published|appeared) (?:by|in|on|at)\b"
    r"|\bcontributed (?:reporting )?to this (?:story|article|report)\b"
    r"|^\W*(?:additional )?(?:reporting|writing|editing) by\b"
    r"|\b(?:republished|reprinted|reproduced) (?:here )?with (?:the )?permission\b", re.I)


#: words without one of which ``_CREDIT`` cannot match
_CREDIT_KEYS = ("publish", "reprint", "carried", "distributed", "produced", "syndicated",
                "appeared", "contributed", "reporting by", "writing by", "editing by", "permission")


def is_credit(line: str) -> bool:
    """Whether a line credits who published, republished or contributed to the article: a
    note about the article (its provenance), never a claim or a summary sentence. Unlike the
    editorial marks it is no evidence of which version came later, and a credit many
    articles of one outlet end with is still that outlet's boilerplate."""
    low = line.lower()
    return bool(any(k in low for k in _CREDIT_KEYS) and _CREDIT.search(line))


def is_about_the_article(line: str) -> bool:
    """An editorial mark or a credit: a line about the article rather than news in it."""
    return is_editorial_mark(line) or is_credit(line)


def label_line(line: str) -> bool:
    """A line that names a page's section or opens a letter rather than saying what the
    article is about: one or two words, a breadcrumb (">>", "»"), or a line ending in a bar,
    a colon or a comma ("PHILADELPHIA |", "INTRODUCTION:")."""
    return len(line.split()) <= 2 or ">>" in line or "»" in line or \
        line.rstrip().endswith(("|", ":", ","))


#: a given title that is not a headline: a byline ("By Staff Sgt. Ana Velt, 7th Air Force /
#: Published March 24, 2017"), a photo's caption credited to an agency ("... REUTERS/Jonathan
#: Ernst"), or a note that the story was updated ("This story is updated at the bottom with a
#: response from ...")
_NOT_A_HEADLINE = re.compile(
    r"^By\s+(?:[A-Z][\w.'’-]*\s+){1,5}?[A-Z][\w.'’-]*\s*(?:[,/|(]|$)"
    r"|\b(?:REUTERS|AP\s+Photo|AFP\s+Photo|Getty\s+Images)/|/(?:Getty\s+Images|AFP|AP|Reuters)\b"
    rf"|^\W*(?i:{_STORY_CHANGED})\b")


def not_a_headline(title: str) -> bool:
    """Whether a title given with an article is a byline, a photo caption, a note about the
    article or a credit rather than its headline: it does not name the article."""
    return bool(_NOT_A_HEADLINE.search(title)) or is_credit(title)

