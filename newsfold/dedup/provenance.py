"""Direction, relation, evidence and reason of a verified link between two articles."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from newsfold.marks import _TEASER_END, _UPDATE_NOTE, is_editorial_mark  # noqa: F401 - used here and re-exported
from newsfold.dedup.verify import Features, names, norm_case_space, numbers, republisher_tag, sentences, shares_in
from newsfold.model import version_of

#: truncated: the derived text is (almost) wholly inside its origin and clearly shorter
TRUNC_CONTAINED = 0.9
TRUNC_LENGTH = 0.75
#: an added sentence counts as new factual material only if it is a statement of this length
FACT_MIN_WORDS = 6

_W = re.compile(r"\w+")


@dataclass
class Link:
    a: int
    b: int
    kind: str  # "near" | "rewrite"
    overlap: dict
    aligned: list = field(default_factory=list)  # [(i in a, j in b, cos)] for rewrites
    n_sent: tuple = (0, 0)

    @property
    def score(self) -> float:
        if self.kind == "near":
            return 1.0 + self.overlap["containment"]
        # share of the longer side that aligns: prefers the fullest origin in a chain
        return len(self.aligned) / max(max(self.n_sent), 1)


def _date(article) -> Optional[str]:
    p = getattr(article, "published", None)
    return p[:10] if p else None


def new_facts(d: Features, o: Features) -> int:
    return len(d.numbers - o.numbers) + len(d.names - o.names)


_DATELINE = re.compile(r"^[^\n]{0,80}?\(([A-Z][\w&.' ]{1,40}?)\)\s*[\u2014\u2013:-]")


def dateline_credit(text: str) -> Optional[str]:
    """The agency credited in an opening dateline: "CITY, April 8 (Meridian Press) — ..."."""
    # the dateline opens the body: after a headline, kicker or byline line at most
    seen = 0
    for line in (text or "")[:2000].split("\n"):
        line = line.strip()
        if not line:
            continue
        m = _DATELINE.match(line)
        if m:
            return m.group(1).strip()
        seen += 1
        if seen == 3:
            break
    return None


#: words the two patterns above need: an article without any carries no mark and its
#: sentences need not be split to tell (most articles)
_MARK_WORDS = ("updat", "correction", "clarif", "editor", "revised", "earlier version", "the full ", "our full ",
               "the whole ", "the complete ", "the entire ", "continue reading", "read more", "read the rest", "read rest")
#: characters of each end of a text where the head and tail sentences lie (with room to spare)
_ENDS = 3000
#: where the marks are looked for, in the text's sentences (mastheads, bylines and footers
#: included: the head and tail windows are wider than the two or three sentences a note takes)
_HEAD, _TAIL = 5, 6


def _not_boiler(f: Features, sents: list[str]) -> set[str]:
    """The sentences that are not mostly outlet boilerplate (an outlet's constant footer, an
    "Editor's note" it prints under every article, says nothing about one article): the
    features' ``mark_boiler`` where the batch gave one, else their ``boiler``."""
    b = f.extra.get("mark_boiler", f.boiler)
    if b is None or not b.size or not sents:
        return set(sents)
    from newsfold.dedup.shingle import shingle_batch

    flat, offs = shingle_batch(sents)
    return {x for x, sh in zip(sents, shares_in(flat, offs, b).tolist()) if sh < 0.5}


def _found_marks(f: Features) -> tuple:
    """(update notes among the first sentences, update notes among the last ones, teaser lines
    among the last ones), cached on the features."""
    v = f.extra.get("marks")
    if v is None and f.memo is not None:
        v = f.memo.get(("marks", f.text))  # a copy of a text already read in this batch
    if v is None:
        v = ((), (), ())
        t = f.text or ""
        low = (t if len(t) <= 2 * _ENDS else t[:_ENDS] + "\n" + t[-_ENDS:]).lower()
        if any(w in low for w in _MARK_WORDS):
            sents = sentences(f.text)
            head, tail = sents[:_HEAD], sents[_HEAD:][-_TAIL:]
            hn = [x for x in head if _UPDATE_NOTE.search(x)]
            tn = [x for x in tail if _UPDATE_NOTE.search(x)]
            te = [x for x in tail if _TEASER_END.search(x)]
            if hn or tn or te:
                keep = _not_boiler(f, hn + tn + te)
                v = tuple(tuple(x for x in part if x in keep) for part in (hn, tn, te))
        if f.memo is not None:
            f.memo[("marks", f.text)] = v
    f.extra["marks"] = v
    return v


def _absent(found: tuple, other: Features) -> bool:
    """Whether some of ``found`` does not occur in the other text."""
    if not found:
        return False
    theirs = other.extra.get("norm_text")
    if theirs is None:
        theirs = other.extra["norm_text"] = other.by_text("norm_text", lambda t: norm_case_space(t or ""))
    return any(norm_case_space(x) not in theirs for x in found)


def _marks_direction(a: int, b: int, fa: Features, fb: Features) -> Optional[tuple[int, int, str]]:
    """Editorial marks one side carries and the other lacks. A later version carries an update
    or correction note its earlier version lacks; a teaser ends by pointing to the whole text
    elsewhere. A note at the end of the longer side is not evidence against a shorter side
    that may be its truncation (the cut removed it); a note at the start is."""
    ma, mb = _found_marks(fa), _found_marks(fb)
    if not (any(ma) or any(mb)):
        return None
    na, nb = fa.shingles.size, fb.shingles.size

    def notes(m: tuple, other: Features, longer: bool) -> bool:
        # ``longer``: the other side is short enough to be a truncation of this one
        return _absent(m[0], other) or (not longer and _absent(m[1], other))

    ua = notes(ma, fb, longer=nb < TRUNC_LENGTH * na)
    ub = notes(mb, fa, longer=na < TRUNC_LENGTH * nb)
    if ua != ub:
        return (b, a, "it carries an update or correction note the other lacks") if ua else \
            (a, b, "it carries an update or correction note the other lacks")
    ta, tb = _absent(ma[2], fb), _absent(mb[2], fa)
    if ta != tb:
        return (b, a, "it ends by pointing to the full story elsewhere") if ta else \
            (a, b, "it ends by pointing to the full story elsewhere")
    return None


def derived_evidence(article, feats: Features) -> list[str]:
    why = []
    tag = republisher_tag(feats.text)
    if not tag:  # the clean stage strips an opening "(MENAFN)" and records it as removed
        for r in getattr(article, "removed", None) or []:
            if isinstance(r, dict) and r.get("rule") == "source_tag":
                tag = (r.get("text") or "").strip("() ") or "tag"
                break
    if tag:
        why.append(f"republisher credit ({tag})")
    wire = getattr(article, "wire", None) or dateline_credit(feats.text)
    source = (getattr(article, "source", None) or "").lower()
    if wire and source and source != wire.lower():
        why.append(f"wire credit {wire} on {getattr(article, 'source', None)}")
    return why


def _version(article) -> tuple:
    """((base id, outlet), n): ``id~n`` is the n-th article read under one id (the reader
    and ``stages.reused_ids`` name a different input under a taken id so: an outlet's
    update, a re-published feed entry); any other id is version 1 of itself."""
    aid = str(getattr(article, "id", ""))
    source = (getattr(article, "source", None) or "").casefold()
    v = version_of(aid)
    return ((v[0], source), v[1]) if v else ((aid, source), 1)


def direction(arts, feats, link: Link) -> tuple[int, int, str]:
    """(origin index, derived index, why) for a verified link."""
    a, b = link.a, link.b
    da, db = _date(arts[a]), _date(arts[b])
    if da and db and da != db:
        return (a, b, f"published earlier ({da} < {db})") if da < db else (b, a, f"published earlier ({db} < {da})")
    va, vb = _version(arts[a]), _version(arts[b])
    if va[0] == vb[0] and va[1] != vb[1]:
        return (a, b, "an earlier version under the same id") if va[1] < vb[1] else \
            (b, a, "an earlier version under the same id")
    fa, fb = feats[a], feats[b]
    if link.kind == "near":
        sa, sb = fa.shingles.size, fb.shingles.size
        ca, cb = link.overlap["c_a"], link.overlap["c_b"]
        short, long_, cs = (a, b, ca) if sa <= sb else (b, a, cb)
        if cs >= TRUNC_CONTAINED and min(sa, sb) < TRUNC_LENGTH * max(sa, sb):
            return long_, short, "the shorter text lies wholly inside the longer one (truncation)"
        # an editorial mark (update note, teaser line) is better evidence than "the longer text
        # holds (almost) all of the shorter one", which a teaser that keeps most of its origin
        # also meets
        marked = _marks_direction(a, b, fa, fb)
        if marked is not None:
            return marked
        if cs >= TRUNC_CONTAINED and min(sa, sb) < max(sa, sb):
            return short, long_, "the longer text holds all of the shorter one and adds material"
    else:
        marked = _marks_direction(a, b, fa, fb)  # (a note is better evidence than counts of facts)
        if marked is not None:
            return marked
        # a condensed rewrite: the shorter side is mostly aligned, the longer only partly
        (sa_n, sb_n), k = link.n_sent, len(link.aligned)
        short, long_, ns, nl = (a, b, sa_n, sb_n) if sa_n <= sb_n else (b, a, sb_n, sa_n)
        if ns and k / ns >= 0.75 and ns < TRUNC_LENGTH * nl and k / max(nl, 1) <= 0.5:
            return long_, short, "a condensed rewrite: most of its sentences align with the longer text"
        na, nb = new_facts(fa, fb), new_facts(fb, fa)
        if abs(na - nb) >= 2 and max(na, nb) >= 1.5 * max(min(na, nb), 1):
            return (b, a, "it adds facts absent from the other") if na > nb else (a, b, "it adds facts absent from the other")
    ea, eb = derived_evidence(arts[a], fa), derived_evidence(arts[b], fb)
    if bool(ea) != bool(eb):
        return (b, a, "it carries a " + ", ".join(ea)) if ea else (a, b, "it carries a " + ", ".join(eb))
    fsa, fsb = getattr(arts[a], "first_seen", None), getattr(arts[b], "first_seen", None)
    if fsa and fsb and min(len(fsa), len(fsb)) <= 10:  # a day only: compare days
        fsa, fsb = fsa[:10], fsb[:10]
    if fsa and fsb and fsa != fsb:
        return (a, b, "seen earlier") if fsa < fsb else (b, a, "seen earlier")
    return (a, b, "no dating evidence: input order") if a < b else (b, a, "no dating evidence: input order")


def _grams(s: str, n: int = 3) -> set:
    w = _W.findall(s.lower())
    if len(w) < n:
        return {tuple(w)} if w else set()
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def sentence_diff(d: Features, o: Features) -> tuple[list[str], list[str]]:
    """(added, dropped): sentences of d most of whose word 5-grams are absent from o, and back.

    Vectorised: the sentences of one side are shingled in one batch and looked up in the
    other side's sorted shingle set. Sentences under five words compare as exact text."""
    return _missing(d, o), _missing(o, d)


def _missing(x: Features, y: Features) -> list[str]:
    import numpy as np

    sents = x.sentences
    if not sents:
        return []
    ynorm = None
    flat, offs = x.sentence_shingles
    share = shares_in(flat, offs, y.shingles)
    n = offs[1:] - offs[:-1]
    short = n <= 1
    out = []
    # only sentences that can be missing are looked at: mostly absent shingles, or too short
    # to judge by shingles (those compare as normalised text)
    for i in np.flatnonzero(short | (share < 0.5)).tolist():
        s = sents[i]
        if short[i] and len(s.split()) < 5:
            if ynorm is None:
                ynorm = y.sentence_norms()
            if norm_case_space(s) not in ynorm:
                out.append(s)
        elif share[i] < 0.5:
            out.append(s)
    return out


def describe(arts, feats, link: Link, origin: int, derived: int, why_dir: str, diff: bool = True) -> dict:
    """Relation, similarity, reason, added, dropped of ``derived`` relative to ``origin``.

    ``diff=False``: for a near copy whose shingle sets differ, ``added``/``dropped`` are left
    ``None`` (the sentence diff is not needed to decide family, origin, relation, similarity
    or reason; :func:`newsfold.dedup.families.describe_copies` fills them in a batched step).
    Rewrites are always described in full: their ``added`` decides ``embellished``."""
    fo, fd = feats[origin], feats[derived]
    ov = link.overlap
    c_d = ov["c_a"] if derived == link.a else ov["c_b"]
    sim = {
        "jaccard": round(ov["jaccard"], 3),
        "containment": round(ov["containment"], 3),
        "containment_in_origin": round(c_d, 3),
    }
    oid = arts[origin].id
    if link.kind == "near":
        if ov["c_a"] >= 0.999 and ov["c_b"] >= 0.999:
            added, dropped = [], []  # the same shingle set: nothing added or dropped
        elif not diff:
            added, dropped = None, None  # filled by the description step
        else:
            added, dropped = sentence_diff(fd, fo)
        if c_d >= TRUNC_CONTAINED and fd.shingles.size < TRUNC_LENGTH * fo.shingles.size:
            rel = "truncated"
            reason = (f"truncated copy of {oid}: {c_d:.0%} of its 5-word shingles are in the origin, "
                      f"which is {fo.shingles.size / max(fd.shingles.size, 1):.1f}x longer; {why_dir}")
        else:
            rel = "copy"
            reason = f"copy of {oid}: 5-word shingle Jaccard {ov['jaccard']:.2f}, containment {ov['containment']:.2f}; {why_dir}"
        sim["aligned_sentences"] = None
        return {"relation": rel, "similarity": sim, "reason": reason, "added": added, "dropped": dropped}
    # rewrite: aligned sentences
    if derived == link.a:
        d_idx = {i for i, _, _ in link.aligned}
        o_idx = {j for _, j, _ in link.aligned}
    else:
        d_idx = {j for _, j, _ in link.aligned}
        o_idx = {i for i, _, _ in link.aligned}
    added = [s for k, s in enumerate(fd.sentences) if k not in d_idx]
    dropped = [s for k, s in enumerate(fo.sentences) if k not in o_idx]
    o_nums, o_names = fo.numbers, fo.names
    fact_sents = []
    for s in added:
        if len(s.split()) < FACT_MIN_WORDS:  # a credit or copyright line is not a new fact
            continue
        nn = numbers(s) - o_nums
        mm = names(s) - o_names
        if nn or len(mm) >= 2:
            fact_sents.append(s)
    n_al = len(link.aligned)
    sim["aligned_sentences"] = n_al
    sim["aligned_share"] = round(n_al / max(len(fd.sentences), 1), 3)
    if fact_sents:
        rel = "embellished"
        reason = (f"rewrite of {oid} ({n_al} of {len(fd.sentences)} sentences align) that adds "
                  f"{len(fact_sents)} sentence(s) with numbers or names absent from it; {why_dir}")
    else:
        rel = "rewrite"
        reason = f"rewrite of {oid}: {n_al} of {len(fd.sentences)} sentences align with it; {why_dir}"
    return {"relation": rel, "similarity": sim, "reason": reason, "added": added, "dropped": dropped}


__all__ = ["Link", "direction", "describe", "sentence_diff", "sentences"]
