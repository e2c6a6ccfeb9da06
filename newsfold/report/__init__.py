"""Run outputs: ``stories.json``, ``errors.jsonl`` and a self-contained ``report.html``."""

from __future__ import annotations

import json
from pathlib import Path

from newsfold.model import RunResult


def write_outputs(result: RunResult, out_dir: str | Path) -> dict[str, Path]:
    """Write the three run outputs into ``out_dir`` (created if missing)."""
    from newsfold.report.html import render_report

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "stories": out / "stories.json",
        "errors": out / "errors.jsonl",
        "report": out / "report.html",
    }
    _atomic_write(paths["stories"], json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    _atomic_write(
        paths["errors"],
        "".join(json.dumps(e.to_dict(), ensure_ascii=False) + "\n" for e in result.errors),
    )
    _atomic_write(paths["report"], render_report(result))
    return paths


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
