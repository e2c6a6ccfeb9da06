"""Notes about an article rather than news in it: update and correction notes, teaser lines.

Copy detection reads them as evidence of which version of a text came later
(``dedup.provenance``); the analysis leaves them out of claims and summaries
(``analyze.claims.article_units``); an untitled article is not named after one
(``model.display_title``). A module of its own so that the model can use it without
importing copy detection.
"""

from __future__ import annotations

import re

#: a note that the text was changed after it first ran: "UPDATE:", "Updated 4:08 p.m.",
#: "Correction:", "Editor's note", "This story has been updated...", "An earlier version of
#: this article..."
_UPDATE_NOTE = re.compile(
    r"^\W*(?:update[ds]?\s*(?::|\d|at\b|on\b)|correction\s*:|clarification\s*:|editor['\u2019]?s note\b)"
    r"|\b(?:this (?:story|article|report|post) (?:has been|was|is) (?:last )?(?:updated|corrected|revised)"
    r"|an earlier version of this (?:story|article|report|post))", re.I)
#: a teaser's closing line, pointing to the whole text elsewhere: "Read the full story at ...",
#: "Continue reading ...", "Read more at ..."
_TEASER_END = re.compile(
    r"\b(?:read|see) (?:the|our) (?:full|whole|complete|entire) (?:story|article|report)\b"
    r"|^\W*continue reading\b|\bread (?:the )?(?:rest|more) (?:of (?:the|this) (?:story|article) )?(?:at|on)\b", re.I)


def is_editorial_mark(line: str) -> bool:
    """Whether a line is an update or correction note or a teaser's closing line: evidence of
    which version of a text came later, however many articles print it alike."""
    return bool(_UPDATE_NOTE.search(line) or _TEASER_END.search(line))
