"""Executors: *how* the stages run, kept apart from *what* they do (newsfold.stages).

``local`` (default) runs in process; ``spark`` runs the same stage functions on PySpark.
"""

from newsfold.run.local import run_local  # noqa: F401


def run(paths, *, config=None, store=None, stdin=None):
    """Run the whole job with the executor named in ``config.executor``."""
    from newsfold.config import Config

    config = config or Config()
    if config.incremental:
        if config.executor == "spark":
            raise ValueError("an incremental run adds a few articles to a store in this process; "
                             "it does not run on the spark executor")
        from newsfold.run.stream import run_incremental

        return run_incremental(paths, config=config, store=store, stdin=stdin)
    if config.executor == "spark":
        from newsfold.run.spark import run_spark

        return run_spark(paths, config=config, store=store, stdin=stdin)
    return run_local(paths, config=config, store=store, stdin=stdin)
