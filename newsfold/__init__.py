"""newsfold: raw news articles in, stories you can trust out.

Fold syndicated copies and rewrites into families with their origin named, cluster articles
into stories (batch or streaming), and report, per story, entities, attributed quotes, claims
with the number of *independent* sources behind each, a cited summary and a timeline.
"""

__version__ = "0.1.0"

from newsfold.config import Config  # noqa: E402
from newsfold.model import Article, ErrorRecord, Family, RawRecord, RunResult, Story  # noqa: E402

__all__ = ["Article", "Config", "ErrorRecord", "Family", "RawRecord", "RunResult", "Story", "Engine"]


def __getattr__(name: str):
    if name == "Engine":  # lazy: keeps `import newsfold` light
        from newsfold.engine import Engine

        return Engine
    raise AttributeError(name)
