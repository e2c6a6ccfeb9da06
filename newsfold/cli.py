"""The ``newsfold`` command line. Thin: every command calls the Python API by the same names.

Heavy modules are imported inside commands so ``newsfold --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(
    help="Fold copies, cluster news into stories, count independent sources.",
    no_args_is_help=True,
    add_completion=False,
)
eval_app = typer.Typer(help="Measure accuracy on labelled data (prints JSON).", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


def _config(**overrides):
    from newsfold.config import Config

    cfg = Config()
    for key, value in overrides.items():
        if value is not None:
            setattr(cfg, key, value)
    return cfg


@app.command()
def run(
    paths: List[str] = typer.Argument(..., help="Files, folders (recursive) or '-' for stdin."),
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder."),
    db: Optional[str] = typer.Option(None, "--db", help="SQLite file or postgresql:// URL (default: in memory)."),
    mode: str = typer.Option("batch", "--mode", help="Clustering of the whole store: batch (window model, default) or stream (one by one in date order)."),
    executor: str = typer.Option("local", "--executor", help="local or spark."),
    ner_model: Optional[str] = typer.Option(None, "--ner-model", help="spaCy model, or 'none' for rules only."),
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", help="Items larger than this are rejected."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on a terminal."),
    dense: bool = typer.Option(False, "--dense", help="Batch clustering also reads dense sentence embeddings (slower; needs the encoder weights, see docs/clustering.md)."),
    reanalyse: bool = typer.Option(False, "--reanalyse", help="Analyse every story again, even those unchanged since the previous run on --db."),
    incremental: bool = typer.Option(False, "--incremental", help="Only the articles new to --db are folded, clustered (streaming, then one window pass) and analysed with the stories they join; stored stories stay as they are. Saves the fixed cost of a run on a large store; batch is more accurate (docs/ARCHITECTURE.md)."),
) -> None:
    """Ingest, clean, fold copies, cluster and analyse; write stories.json, report.html, errors.jsonl."""
    from rich.console import Console

    from newsfold.report import write_outputs
    from newsfold.run import run as run_job
    from newsfold.store import open_store

    console = Console(stderr=True)
    cfg = _config(cluster_mode=mode, executor=executor, ner_model=ner_model, max_bytes=max_bytes,
                  progress=progress, cluster_dense=dense or None,
                  reuse_analysis=False if reanalyse else None, incremental=incremental or None)
    if incremental and executor == "spark":
        raise typer.BadParameter("--incremental runs in this process; it does not use --executor spark")
    store = open_store(db)
    try:
        result = run_job(paths, config=cfg, store=store, stdin=sys.stdin)
    finally:
        store.close()
    files = write_outputs(result, out)
    n_art, n_story, n_err = len(result.articles), len(result.stories), len(result.errors)
    indep = sum(1 for s in result.stories if s.sources.get("independent", 0) >= 2)
    console.print(
        f"[bold]{n_art}[/] articles -> [bold]{n_story}[/] stories "
        f"({indep} with 2+ independent sources); [bold]{n_err}[/] error records"
    )
    for s in sorted(result.stories, key=lambda s: -len(s.articles))[:5]:
        src = s.sources
        console.print(
            f"  {s.id}  {len(s.articles)} art / {src.get('outlets', '?')} outlets / "
            f"{src.get('independent', '?')} independent  {s.title[:70]}"
        )
    if result.stats.get("analyses_reused"):
        console.print(f"  {result.stats['analyses_reused']} stories unchanged since the previous run: analysis kept")
    if incremental:
        console.print(f"  incremental: {result.stats.get('added', 0)} new articles touched "
                      f"{result.stats.get('stories_touched', 0)} stories; the window pass changed "
                      f"{result.stats.get('window_pass_changes', 0)}")
    if result.stats.get("already_stored"):
        console.print(f"  {result.stats['already_stored']} of {result.stats['read']} articles read were already stored (skipped)")
    console.print(f"wrote {files['stories']}, {files['report']}, {files['errors']}")
    if n_art == 0:
        console.print("[red]error:[/] no article could be processed; see errors.jsonl")
        raise typer.Exit(code=1)


@app.command()
def dedup(
    input: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSONL, one article per line."),
    output: Path = typer.Option(..., "--output", "-o", help="JSONL, one line per input article."),
) -> None:
    """Find copy families: one line per article with family, origin, relation, evidence."""
    from newsfold.dedup.cli import dedup_command

    dedup_command(input, output)


@app.command()
def cluster(
    input: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSONL, one article per line."),
    output: Path = typer.Option(..., "--output", "-o", help="JSONL: {id, story} per article."),
    mode: str = typer.Option("batch", "--mode", help="batch (the window model over the whole file, as `newsfold run`) or stream (one article at a time in date order, with periodic window passes)."),
    dense: bool = typer.Option(False, "--dense", help="Window clustering also reads dense sentence embeddings (slower; needs the encoder weights)."),
) -> None:
    """Cluster articles into stories (date order when dates exist). Never reads gold labels."""
    from newsfold.cluster.cli import cluster_command

    cluster_command(input, output, mode=mode, config=_config(cluster_dense=dense or None))


@app.command()
def serve(
    db: str = typer.Option("newsfold.db", "--db", help="SQLite file or postgresql:// URL."),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
) -> None:
    """Serve the JSON API (OpenAPI at /docs) and the web UI."""
    from newsfold.api.app import serve as serve_app

    serve_app(db=db, host=host, port=port)


@app.command()
def export(
    db: str = typer.Option(..., "--db", help="SQLite file or postgresql:// URL."),
    format: str = typer.Option("jsonl", "--format", help="jsonl, parquet or csv."),
    out: Path = typer.Option(..., "--out", help="Output folder."),
) -> None:
    """Export stories, articles, claims and quotes with the API's schema."""
    from newsfold.export import export as export_db

    for path in export_db(db=db, format=format, out=out):
        typer.echo(str(path))


@eval_app.command("clustering")
def eval_clustering(
    gold: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSONL with a gold `cluster` field."),
    mode: str = typer.Option("batch", "--mode", help="batch (the window model over the whole file) or stream (one article at a time, as they would arrive)."),
    dense: bool = typer.Option(False, "--dense", help="Window clustering also reads dense sentence embeddings."),
    label: str = typer.Option("cluster", "--label", help="The field holding the gold story label (hidden from the clusterer); when no row has `cluster`: story, story_id, event, event_id or cluster_id, the first found."),
) -> None:
    """Pairwise and BCubed P/R/F1, ARI, story counts (gold labels hidden from the clusterer)."""
    from newsfold.eval.clustering import eval_clustering_command

    eval_clustering_command(gold, mode=mode, config=_config(cluster_dense=dense or None), label=label)


@eval_app.command("dedup")
def eval_dedup(
    gold: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSONL with gold `family` (or a group id, or what each "
                                "article was copied from) and `relation`."),
    label: Optional[str] = typer.Option(None, "--label", help="Gold family field (default: "
                                        "`family`, else a known group or origin field)."),
) -> None:
    """Precision/recall of copy detection by copy type."""
    from newsfold.eval.dedup import eval_dedup_command

    eval_dedup_command(gold, label=label)


@eval_app.command("quotes")
def eval_quotes(gold: Path = typer.Argument(..., exists=True, dir_okay=False, help="PolNeAR-format JSONL."),
                verbose: bool = typer.Option(False, "--verbose", help="Print each miss, false quote, "
                                             "missing or wrong speaker with its context on stderr.")) -> None:
    """Direct-quote precision/recall and speaker coverage/accuracy."""
    from newsfold.eval.quotes import eval_quotes_command

    eval_quotes_command(gold, verbose=verbose)


@eval_app.command("claims")
def eval_claims(gold: Path = typer.Argument(..., exists=True, dir_okay=False, help="SummHay-format JSONL.")) -> None:
    """Support-set F1 of the best-matching claim for each gold insight."""
    from newsfold.eval.claims import eval_claims_command

    eval_claims_command(gold)


@eval_app.command("claim-pairs")
def eval_claim_pairs(
    gold: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help="Claim-pair files (ClaimDiff JSON, or JSON Lines "
                                      "rows with `claim_a`, `claim_b`, `relation` 0/1)."),
    ner: Optional[str] = typer.Option(None, "--ner", help="spaCy model name or path; 'none' for rules only."),
) -> None:
    """What the story's claims say of each labelled pair (B restates A, conflicts with it, or
    neither), scored against the pair's `relation`."""
    from newsfold.eval.claim_pairs import eval_claim_pairs_command

    eval_claim_pairs_command(gold, config=_config(ner_model=ner))


@eval_app.command("conflicts")
def eval_conflicts(
    gold: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSONL of stories: rows with a gold `cluster`, or one story per line with `articles`."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Only the first N stories."),
    ner: Optional[str] = typer.Option(None, "--ner", help="spaCy model name or path; 'none' for rules only."),
) -> None:
    """Conflicting-claim detection: recall of planted disagreements (numbers, days, places, denials)
    and conflicts flagged on the unchanged stories."""
    from newsfold.eval.conflicts import eval_conflicts_command

    eval_conflicts_command(gold, config=_config(ner_model=ner), limit=limit)


@eval_app.command("summaries")
def eval_summaries(
    gold: Path = typer.Argument(..., exists=True, dir_okay=False, help="Multi-News-format JSONL, or reference summaries "
                                "with a `cluster` id (NeuS targets)."),
    articles: Optional[Path] = typer.Option(None, "--articles", help="Articles with a `cluster` "
                                            "field, for references that carry none (default: "
                                            "X.jsonl beside or in ../clustering/ for X-targets.jsonl)."),
    word_budget: int = typer.Option(250, "--word-budget", help="Words per summary."),
) -> None:
    """ROUGE-1/2/L and citation support of story summaries."""
    from newsfold.eval.summaries import eval_summaries_command

    eval_summaries_command(gold, word_budget=word_budget, articles=articles)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
