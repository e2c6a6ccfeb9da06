"""Pydantic response models generated from the dataclasses of :mod:`newsfold.model`.

There is one schema: the models here are built field by field from the dataclasses, so
the OpenAPI document, the JSON API, the exports and ``stories.json`` cannot drift apart.
A few API-only shapes (story list rows, article detail, health) add fields on top.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from newsfold import model as m

_CACHE: dict[type, type[BaseModel]] = {}


def _map_type(tp: Any) -> Any:
    """Replace dataclass types (also inside list/Optional/dict) by their pydantic models."""
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return model_for(tp)
    origin = typing.get_origin(tp)
    if origin is None:
        return tp
    args = typing.get_args(tp)
    if origin in (Union, getattr(__import__("types"), "UnionType", Union)):
        return Union[tuple(_map_type(a) for a in args)]  # type: ignore[return-value]
    if origin is list:
        return list[_map_type(args[0])] if args else list
    if origin is dict:
        return dict[_map_type(args[0]), _map_type(args[1])] if args else dict
    return tp


def model_for(cls: type, *, name: Optional[str] = None, extra: Optional[dict[str, Any]] = None,
              exclude: tuple[str, ...] = ()) -> type[BaseModel]:
    """A pydantic model with the fields (names, types, defaults) of dataclass ``cls``."""
    key = cls if (name is None and not extra and not exclude) else None
    if key is not None and key in _CACHE:
        return _CACHE[key]
    hints = typing.get_type_hints(cls, vars(m))
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in exclude:
            continue
        tp = _map_type(hints[f.name])
        if f.default is not dataclasses.MISSING:
            fields[f.name] = (tp, f.default)
        elif f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
            fields[f.name] = (tp, Field(default_factory=f.default_factory))  # type: ignore[misc]
        else:
            fields[f.name] = (tp, ...)
    for fname, spec in (extra or {}).items():
        fields[fname] = spec
    doc = (cls.__doc__ or "").strip().split("\n\n")[0] or None
    if doc and doc.startswith(cls.__name__ + "("):  # dataclass's generated signature
        doc = None
    model = create_model(  # type: ignore[call-overload]
        name or cls.__name__,
        __config__=ConfigDict(extra="ignore"),
        __doc__=doc,
        **fields,
    )
    if key is not None:
        _CACHE[key] = model
    return model


ErrorRecordModel = model_for(m.ErrorRecord)
FamilyMemberModel = model_for(m.FamilyMember)
FamilyModel = model_for(m.Family)
EntityModel = model_for(m.Entity)
QuoteModel = model_for(m.Quote)
ClaimModel = model_for(m.Claim)
SummarySentenceModel = model_for(m.SummarySentence)
TimelineEventModel = model_for(m.TimelineEvent)
StoryModel = model_for(m.Story)
ArticleModel = model_for(m.Article)

#: A row of ``GET /api/stories``: the story without its heavy analysis lists.
StorySummaryModel = model_for(
    m.Story,
    name="StorySummary",
    exclude=("families", "entities", "quotes", "claims", "timeline"),
    extra={
        "n_claims": (int, 0),
        "n_single_source": (int, 0),
        "n_conflicting": (int, 0),
        "n_quotes": (int, 0),
    },
)


class StoryList(BaseModel):
    total: int = Field(description="Stories matching the filters (before paging).")
    limit: int
    offset: int
    items: list[StorySummaryModel]  # type: ignore[valid-type]


ArticleDetailModel = model_for(
    m.Article,
    name="ArticleDetail",
    extra={
        "family_members": (list[FamilyMemberModel], Field(default_factory=list)),  # type: ignore[valid-type]
        "story_title": (Optional[str], None),
    },
)


class Health(BaseModel):
    status: str
    version: str
    schema_version: int
    articles: int
    stories: int
    writes_enabled: bool


class IngestResult(BaseModel):
    received: int = Field(description="Items in the request (an item that is not an article is reported in errors).")
    added: list[str] = Field(description="Ids of articles newly stored (duplicates are skipped).")
    stories: list[str] = Field(description="Ids of the stories the request touched.")
    errors: list[ErrorRecordModel] = Field(  # type: ignore[valid-type]
        default_factory=list,
        description="One record per item that was not ingested (or was, with a problem): "
                    "``position`` is the item's index in the request. The other items are ingested.")


class Problem(BaseModel):
    detail: Any


def story_summary(story: m.Story) -> dict[str, Any]:
    """The list-row dict of a story (same field names as the full story)."""
    d = story.to_dict()
    for k in ("families", "entities", "quotes", "claims", "timeline"):
        d.pop(k, None)
    d["n_claims"] = len(story.claims)
    d["n_single_source"] = sum(1 for c in story.claims if c.status == "single_source")
    d["n_conflicting"] = sum(1 for c in story.claims if c.status == "conflicting")
    d["n_quotes"] = len(story.quotes)
    return d


class ArticleIn(BaseModel):
    """An article to ingest, with the JSONL ingest field names (extra fields are kept)."""

    model_config = ConfigDict(extra="allow")

    id: Optional[str] = Field(None, description="Stable id; default: the URL, else a content hash.")
    title: Optional[str] = None
    text: Optional[str] = Field(None, description="Body: plain text or HTML (or give it as `html`, "
                                                 "`body`, `content` or `article`; a title of 3+ words "
                                                 "alone is kept as the text). Without any, the item "
                                                 "comes back in `errors` as `missing_text`.")
    date: Optional[str] = Field(None, description="Publication date, any common format.")
    source: Optional[str] = Field(None, description="Outlet name or domain.")
    url: Optional[str] = None
