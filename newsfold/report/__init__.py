"""Run outputs: ``stories.json``, ``errors.jsonl`` and a self-contained ``report.html``."""

from __future__ import annotations

import dataclasses
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
    _atomic_write(paths["stories"], lambda fh: write_run_json(result, fh))
    _atomic_write(paths["errors"],
                  lambda fh: fh.writelines(json.dumps(e.to_dict(), ensure_ascii=False) + "\n" for e in result.errors))
    _atomic_write(paths["report"], lambda fh: fh.write(render_report(result)))
    return paths


def write_run_json(result: RunResult, fh) -> None:
    """``json.dump(result.to_dict(), fh, ensure_ascii=False, indent=1)``, byte for byte, one
    article, story or error at a time: the whole run is never one dict and one string in memory
    (50,000 articles made a 650 MB document; writing it took a copy of the run as dicts, the
    string and its encoding at once)."""
    fh.write("{")
    for k, f in enumerate(dataclasses.fields(result)):
        value = getattr(result, f.name)
        fh.write(("," if k else "") + "\n " + json.dumps(f.name) + ": ")
        if isinstance(value, list) and value:
            fh.write("[")
            for i, item in enumerate(value):
                obj = item.to_dict() if hasattr(item, "to_dict") else item
                fh.write(("," if i else "") + "\n  " + json.dumps(obj, ensure_ascii=False, indent=1).replace("\n", "\n  "))
            fh.write("\n ]")
        else:
            fh.write(json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n "))
    fh.write("\n}")


def _atomic_write(path: Path, write) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        write(fh)
    tmp.replace(path)
