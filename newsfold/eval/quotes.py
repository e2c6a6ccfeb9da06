"""``newsfold eval quotes FILE``: direct-quote spans and speakers against PolNeAR.

Gold direct quotes (:func:`gold_quotes`) follow the data README's definition: a content ("what
was said") is a direct quote when it opens with a quote mark. An attribution whose first content
span opens with a mark is one gold span from that span to its last piece (multi-paragraph and
split quotes are one span); in an attribution whose first span opens with the reporter's words,
each later content span that opens with a mark is a gold span of its own. A mark the annotator
left just outside the span counts. These are ``precision``/``recall`` (also printed as
``strict_precision``/``strict_recall``). Printed beside them: ``attribution_*`` (only the first
content span of an attribution decides, the earlier reading) and ``revised_*`` (the README gold
plus quotation segments *inside* reporter-worded contents such as 'that, “…”', which PolNeAR
does not mark as direct; an earlier version's headline). The speaker is the ``source`` span(s).

Found quotes: the ``direct`` quotes of :func:`newsfold.analyze.quotes.extract_quotes`, run on
each article with a per-article entity index (the same code path as the story analysis).

Matching (boundary-tolerant): a found quote matches a gold span when at least 50% of the found
span lies inside it (quote marks, a trailing attribution, one piece of a gold quote split by its
cue -- '"A," he said, "B."' is one gold span, two found quotes -- all match; a found span that
swallows a short gold quote with the narrative around it does not). precision = found quotes
matching some gold span / found; recall = gold spans matched by some found quote / gold.
``precision_in_any_attribution`` (diagnostic only) also accepts a found quote lying >= 50%
inside any gold attribution content.
speaker_coverage = share of found direct quotes with a speaker. speaker_accuracy, over matched
pairs where both sides have a speaker: the found speaker mention overlaps the gold source span,
or its head word (last token, case- and particle-insensitive) equals the gold source's head word,
or the resolved name's head word does (pronoun resolved to the right person).
speaker_name_accuracy, over matched pairs whose gold source names someone (its part before an
appositive ends in a capitalised word), found speaker or not: the name a reader is shown (the resolved ``speaker``) has the gold name's head word. A
speaker mention that overlaps the gold source but resolves to another entity ("Harvard law
professor Alan Dershowitz" shown as "Harvard") counts for speaker_accuracy, not for this.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path
from typing import Optional
from newsfold.ingest.rows import JsonObjects

QUOTE_OPEN = "\"“‘'«„"


_OPENERS = {"“": "”", "„": "“”", "«": "»", "\"": "\"”", "‘": "’", "''": "''"}
_SEG_OPEN = re.compile(r"''|[“„«\"‘]")


def _segments(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Quote-mark delimited segments opening inside text[a:b] (paragraph-bounded; an unclosed
    one runs to the end of its paragraph or of the range)."""
    out = []
    i = a
    while i < b:
        m = _SEG_OPEN.search(text, i, b)
        if not m:
            break
        s, op = m.start(), m.group()
        prev = text[s - 1] if s > 0 else " "
        if op in ("\"", "‘", "''") and not (prev.isspace() or prev in "([—–-:,"):
            i = m.end()  # a closing mark or an apostrophe, not an opening
            continue
        para_end = text.find("\n", m.end())
        limit = min(b + 2, para_end if para_end >= 0 else len(text))
        e = None
        j = m.end()
        while j < limit:
            if op == "''" and text.startswith("''", j):
                e = j + 2
                break
            if op != "''" and text[j] in _OPENERS[op] and not (
                    op == "‘" and j + 1 < len(text) and text[j + 1].isalnum()):
                e = j + 1
                break
            j += 1
        if e is None:
            e = max(limit, m.end())
        out.append((s, e))
        i = e
    return out


def _opens_utterance(text: str, seg_start: int, cue_ends: list[int], ext_start: int) -> bool:
    """A quote segment that stands as a reported utterance rather than a phrase inside the
    reporter's own sentence: it opens its attribution or paragraph, or follows a colon, a comma,
    a sentence end, or (with only spaces between) the annotated cue."""
    para_start = text.rfind("\n", 0, seg_start) + 1
    before = text[max(ext_start, para_start):seg_start].rstrip()
    if not before:
        return True
    if before[-1] in ":,.?!" or (before[-1] in "”\"'’" and before[-2:-1] in ".?!,"):
        return True
    return any(0 <= seg_start - c <= 2 and not text[c:seg_start].strip() for c in cue_ends)


_OPENING_MARKS = "“‘«„"


def _mark_at(text: str, s: int) -> Optional[int]:
    """Offset of the opening quote mark a content span opens with: the span's first character,
    or (annotators sometimes leave the mark out of the span) the character just before it when
    that is an opening mark -- a curly/guillemet opener, or a straight one after a space, a line
    start or an opening bracket/dash/colon. None when the span opens with the reporter's words."""
    if text[s:s + 1] in QUOTE_OPEN:
        return s
    if s <= 0:
        return None
    b = text[s - 1]
    if b in _OPENING_MARKS:
        return s - 1
    if b in "\"'":
        prev = text[s - 2] if s >= 2 else " "
        if prev in "\"'" and s >= 2:  # typewriter doubled mark ''...
            prev = text[s - 3] if s >= 3 else " "
            if prev.isspace() or prev in "([—–-:,":
                return s - 2
            return None
        if prev.isspace() or prev in "([—–-:,":
            return s - 1
    return None


def gold_quotes(doc: dict, embedded: bool = False, spans: bool = True) -> list[dict]:
    """Gold direct-quote spans of one PolNeAR document.

    The data README's definition: a content ("what was said") is a direct quote when it opens
    with a quote mark.

    1. An attribution whose first content span opens with a quote mark: one gold span from the
       first content piece to the last (a quote split by its cue, '"A," he said, "B."', or running
       over several paragraphs is one gold quote).
    2. ``spans`` (default, the README's definition read per content span): in an attribution whose
       first span opens with the reporter's words, each further content span that itself opens
       with a quote mark is a gold span ('Yet Trump is a “change agent,” Cole said. “That’s
       exactly what people want …”': the second span is a direct quote). With ``spans=False``
       only the first span decides (the earlier, attribution-level reading).
       Either way, a span whose opening mark sits just outside it (the annotator left the mark
       out) opens with that mark.
    3. ``embedded`` (off by default; the *revised* definition an earlier version used as its
       headline): a quote-mark segment *inside* a content span that opens with the reporter's
       words ('that, “…”', 'on the other hand, “…”') when it opens an utterance (see
       :func:`_opens_utterance`), has >= 3 words, starts with a capital or ends its sentence
       inside the marks, and is not followed by the rest of a sentence in lower case.
       PolNeAR itself does not mark these as direct quotes.
    """
    text = doc.get("text") or ""
    out = []
    for a in doc.get("attributions") or []:
        content = sorted(a.get("content") or [], key=lambda c: c["start"])
        if not content:
            continue
        first = content[0]
        src = a.get("source") or []
        source = [(s["start"], s["end"], s.get("text", "")) for s in src]
        m0 = _mark_at(text, first["start"]) if text else (
            first["start"] if first.get("text", "")[:1] in QUOTE_OPEN else None)
        if m0 is not None:
            out.append({"start": m0, "end": max(c["end"] for c in content),
                        "source": source, "embedded": False, "kind": "attribution"})
            continue
        if spans and text:
            for c in content[1:]:
                m = _mark_at(text, c["start"])
                if m is not None:
                    out.append({"start": m, "end": c["end"], "source": source,
                                "embedded": False, "kind": "span"})
        if not embedded or not text:
            continue
        cue_ends = [c["end"] for c in a.get("cue") or []]
        for c in content:
            if _mark_at(text, c["start"]) is not None:
                continue
            for s, e in _segments(text, c["start"], c["end"]):
                if len(text[s:e].split()) < 3:
                    continue
                if not _opens_utterance(text, s, cue_ends, first["start"]):
                    continue
                inner = text[s:e].strip(QUOTE_OPEN + "”’» ")
                if not (inner[:1].isupper() or inner[:1].isdigit()) and inner[-1:] not in ".?!":
                    continue  # 'X, “because he’s right now for the oil”': the sentence runs on
                if inner[-1:] not in ".?!,…" and re.match(r"\s+[a-z]", text[e:e + 3]):
                    continue  # '“You squeezed employees …” to drive up …': a phrase in a sentence
                e = min(e, max(x["end"] for x in content) + 2)
                if any(_overlap(s, e, g["start"], g["end"]) for g in out):
                    continue  # already a gold span (attributions nested in one another)
                out.append({"start": s, "end": e, "source": source, "embedded": True,
                            "kind": "embedded"})
    return out


#: fields of a quote in the plain layout (``quotes`` per document, see :func:`listed_quotes`)
QUOTE_TEXT_KEYS = ("quote", "text", "content")
SPEAKER_KEYS = ("speaker", "source", "speaker_name", "attributed_to")
_INDIRECT = {"indirect", "paraphrase", "reported", "mixed", "partial"}


def _span(value, n: int) -> bool:
    """A gold span: {"start", "end"} inside a text of ``n`` characters."""
    return isinstance(value, dict) and all(type(value.get(k)) is int for k in ("start", "end")) \
        and 0 <= value["start"] <= value["end"] <= n


def well_formed(doc: dict) -> tuple[dict, int]:
    """``doc`` with only its well-formed attributions (a dict whose content, source and cue are
    lists of spans inside the text; a source or cue that is not is left out) and how many
    attributions were dropped: a malformed gold document is scored on what it states, never a
    stop (a number for a span raised)."""
    text = doc_text(doc)
    raw = doc.get("attributions")
    if raw is None:
        return doc, 0
    items = raw if isinstance(raw, list) else []
    kept = []
    for a in items:
        if not isinstance(a, dict) or not isinstance(a.get("content"), list) or \
                not all(_span(c, len(text)) for c in a["content"]):
            continue
        kept.append({**a, **{k: [s for s in a[k] if _span(s, len(text))] if isinstance(a.get(k), list) else []
                             for k in ("source", "cue")}})
    dropped = (len(items) if isinstance(raw, list) else 1) - len(kept)
    return {**doc, "text": text, "attributions": kept}, dropped


def doc_text(doc: dict) -> str:
    """The document's text, under the keys the JSON Lines reader takes it from."""
    from newsfold.ingest.jsonl import TEXT_KEYS

    for k in TEXT_KEYS:
        if isinstance(doc.get(k), str):
            return doc[k]
    return ""


def listed_quotes(doc: dict) -> tuple[list[dict], int]:
    """Gold direct quotes of a document in the plain layout other quote data sets use:
    ``{"text", "quotes": [{"quote", "speaker"[, "start", "end", "speaker_start",
    "speaker_end", "type"]}]}`` (also ``text``/``content`` for the quote, ``source`` /
    ``speaker_name`` for the speaker). Offsets are character offsets into the text; without
    them the quote is looked up in the text (quote marks around it or not), each occurrence
    used once. A quote typed indirect (``type``/``kind``) is not a direct quote. Returns the
    gold spans (as :func:`gold_quotes` gives them) and how many quotes were not found in the
    text."""
    text = doc_text(doc)
    out: list[dict] = []
    missing = 0
    used: list[tuple[int, int]] = []
    for q in doc.get("quotes") or []:
        if not isinstance(q, dict):
            continue
        if str(q.get("type") or q.get("kind") or "").casefold() in _INDIRECT:
            continue
        qt = next((q[k] for k in QUOTE_TEXT_KEYS if isinstance(q.get(k), str) and q[k].strip()), "")
        start, end = q.get("start"), q.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            start = end = None
            needle = qt.strip().strip(QUOTE_OPEN + "”’» ").strip()
            at = text.find(needle) if needle else -1
            while at >= 0 and any(_overlap(at, at + len(needle), a, b) for a, b in used):
                at = text.find(needle, at + 1)
            if at < 0:
                missing += 1
                continue
            start, end = at, at + len(needle)
        used.append((start, end))
        speaker = next((q[k] for k in SPEAKER_KEYS if isinstance(q.get(k), str) and q[k].strip()), "")
        s0, s1 = q.get("speaker_start"), q.get("speaker_end")
        if not (isinstance(s0, int) and isinstance(s1, int)):
            s0 = s1 = -1
        out.append({"start": start, "end": end, "source": [(s0, s1, speaker)] if speaker else [],
                    "embedded": False, "kind": "listed"})
    return out, missing


def _head(text: Optional[str]) -> str:
    from newsfold.analyze.entities import norm_tokens

    toks = norm_tokens(text or "")
    return toks[-1] if toks else ""


def _overlap(a0, a1, b0, b1) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def _matches(f, g) -> bool:
    """At least half of the found quote's span lies inside the gold span: what is presented as
    a quote is mostly gold quote text. Boundary-tolerant (quote marks, a trailing ', he said',
    one piece of a gold quote split by its cue) but a found span that swallows a short gold
    quote together with the reporter's words around it does not match it."""
    ov = _overlap(f.start, f.end, g["start"], g["end"])
    return bool(ov) and ov >= 0.5 * (f.end - f.start)


def match_doc(found, gold) -> tuple[set[int], set[int], list[tuple[int, int]]]:
    """Found quotes that match some gold span, gold spans matched by some found quote, and the
    best gold partner of each matched found quote (for speaker accuracy)."""
    mf, mg, pairs = set(), set(), []
    for i, f in enumerate(found):
        best = None
        for j, g in enumerate(gold):
            if _matches(f, g):
                mf.add(i)
                mg.add(j)
                ov = _overlap(f.start, f.end, g["start"], g["end"])
                if best is None or ov > best[0]:
                    best = (ov, j)
        if best is not None:
            pairs.append((i, best[1]))
    return mf, mg, pairs


def speaker_correct(f, g) -> bool:
    if not g["source"] or f.speaker_text is None:
        return False
    for s0, s1, stext in g["source"]:
        if f.speaker_start is not None and _overlap(f.speaker_start, f.speaker_end, s0, s1):
            return True
        gh = _head(stext)
        if gh and (gh == _head(f.speaker_text) or gh == _head(f.speaker)):
            return True
    return False


def _gold_name(stext: str) -> Optional[str]:
    """The name a gold source span gives, without its appositive ("Kenneth Baer, a former
    official", "Rep. John Mica (R-Fla.)", "Representative Charles B. Rangel of New York"), or
    None when it names no one (a pronoun, a descriptor)."""
    name = re.split(r",|\(|\s(?:of|who|from|at)\s", stext)[0].strip()
    last = name.split()[-1].strip(".;:") if name.split() else ""
    if not last[:1].isupper() or last.casefold() in {"he", "she", "i", "we", "they", "it"}:
        return None
    return name


def evaluate(path: Path, *, config=None, limit: Optional[int] = None, verbose: bool = False) -> dict:
    """Precision/recall of found direct quotes against the README-definition gold
    (:func:`gold_quotes` defaults), plus the same against the attribution-level reading
    (``attribution_*``) and the revised definition with embedded segments (``revised_*``)."""
    from newsfold.analyze.entities import build_entities
    from newsfold.analyze.quotes import extract_quotes, make_resolver
    from newsfold.model import Article

    n_found = n_in_attr = 0
    tallies = {k: [0, 0, 0] for k in ("strict", "attribution", "revised")}  # gold, mf, mg
    with_speaker = 0
    sp_total = sp_ok = 0
    name_total = name_ok = 0
    docs = 0
    t0 = time.time()
    objects = JsonObjects(path)
    unlocated = 0
    layout = None
    malformed = 0
    for _, doc in objects:
        doc, dropped = well_formed(doc)
        malformed += dropped
        text = doc_text(doc)
        art = Article(id=str(doc.get("doc_id", doc.get("id", docs))), text=text)
        listed = "attributions" not in doc and isinstance(doc.get("quotes"), list)
        layout = layout or ("quotes" if listed else "attributions")
        index = build_entities([art], config)
        found = [q for q in extract_quotes(art.id, text, make_resolver(art, index))
                 if q.kind == "direct"]
        if listed:  # one reading only: the quotes the file lists
            gold, missing = listed_quotes(doc)
            unlocated += missing
            readings = (("strict", gold), ("attribution", gold), ("revised", gold))
        else:
            gold = gold_quotes(doc)
            readings = (("strict", gold), ("attribution", gold_quotes(doc, spans=False)),
                        ("revised", gold_quotes(doc, embedded=True)))
        mf, mg, pairs = match_doc(found, gold)
        for key, g in readings:
            kmf, kmg, _ = (mf, mg, None) if key == "strict" else match_doc(found, g)
            tallies[key][0] += len(g)
            tallies[key][1] += len(kmf)
            tallies[key][2] += len(kmg)
        contents = [(min(c["start"] for c in a["content"]), max(c["end"] for c in a["content"]))
                    for a in doc.get("attributions") or [] if a.get("content")]
        n_in_attr += sum(1 for i, f in enumerate(found) if i in mf or any(
            _overlap(f.start, f.end, a0, b0) >= 0.5 * (f.end - f.start) for a0, b0 in contents))
        n_found += len(found)
        with_speaker += sum(1 for q in found if q.speaker_text)
        if verbose:
            for q in found:
                if not q.speaker_text:
                    print("NOSPK", repr(text[max(0, q.start - 150):q.start] + "[[" +
                                        text[q.start:q.end] + "]]" + text[q.end:q.end + 80]),
                          file=sys.stderr)
        for i, j in pairs:
            f, g = found[i], gold[j]
            named = [n for n in (_gold_name(st) for _, _, st in g["source"]) if n]
            if named:  # (a quote shown without a speaker counts as wrong here)
                name_total += 1
                right = bool(f.speaker) and any(_head(f.speaker) == _head(st) for st in named)
                name_ok += right
                if verbose and not right:
                    print("NAME", repr(f.speaker_text), "->", repr(f.speaker), f.cue, "| gold", named, "|",
                          repr(text[max(0, f.start - 120):f.end + 60]),
                          file=sys.stderr)
            if f.speaker_text and g["source"]:
                sp_total += 1
                ok = speaker_correct(f, g)
                sp_ok += ok
                if verbose and not ok:
                    print("SPK", repr(f.speaker_text), "->", f.speaker, "| gold",
                          [s[2] for s in g["source"]], "|", text[f.start:f.end][:60],
                          file=sys.stderr)
        if verbose:
            for i, f in enumerate(found):
                if i not in mf:
                    print("FP", repr(text[max(0, f.start - 40):f.end + 20]), file=sys.stderr)
            for j, g in enumerate(gold):
                if j not in mg:
                    print("FN", repr(text[max(0, g["start"] - 40):g["end"] + 20][:300]),
                          file=sys.stderr)
        docs += 1
        if limit and docs >= limit:
            break

    def pr(key):
        n_gold, n_mf, n_mg = tallies[key]
        return (round(n_mf / n_found, 4) if n_found else 0.0,
                round(n_mg / n_gold, 4) if n_gold else 0.0)

    precision, recall = pr("strict")
    a_p, a_r = pr("attribution")
    r_p, r_r = pr("revised")
    return {
        "file": str(path),
        "documents": docs,
        "gold_quotes": tallies["strict"][0],
        "found_quotes": n_found,
        "matched_found": tallies["strict"][1],
        "matched_gold": tallies["strict"][2],
        # the data README's definition (content spans opening with a quote mark): the headline
        "precision": precision,
        "recall": recall,
        "f1": round(2 * precision * recall / (precision + recall), 4) if precision else 0.0,
        "strict_precision": precision,  # the same numbers, under their earlier key
        "strict_recall": recall,
        # the same definition read per attribution (only its first content span decides)
        "attribution_gold_quotes": tallies["attribution"][0],
        "attribution_precision": a_p,
        "attribution_recall": a_r,
        # the revised definition (+ quote segments embedded in reporter-worded contents)
        "revised_gold_quotes": tallies["revised"][0],
        "revised_precision": r_p,
        "revised_recall": r_r,
        "precision_in_any_attribution": round(n_in_attr / n_found, 4) if n_found else 0.0,
        "speaker_coverage": round(with_speaker / n_found, 4) if n_found else 0.0,
        "speaker_accuracy": round(sp_ok / sp_total, 4) if sp_total else 0.0,
        "speaker_name_accuracy": round(name_ok / name_total, 4) if name_total else 0.0,
        "speaker_name_pairs": name_total,
        "matching": "overlap >= 50% of the found quote's span",
        # which layout the gold came in: PolNeAR's attributions, or a plain list of quotes
        # (then the three readings are the same list, and quotes not found in their text are
        # counted here and left out)
        "layout": layout,
        "unlocated_gold_quotes": unlocated,
        "malformed_attributions": malformed,
        "skipped_lines": objects.skipped,
        "seconds": round(time.time() - t0, 1),
    }


def eval_quotes_command(gold: Path, *, config=None, verbose: bool = False) -> dict:
    result = evaluate(Path(gold), config=config, verbose=verbose)
    print(json.dumps(result))
    return result
