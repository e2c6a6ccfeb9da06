"""Cleaning rules and metadata, each on a small fixture, plus the seed checks of issue 2."""

from __future__ import annotations

import re

import pytest

from newsfold.clean import clean_record, clean_records
from newsfold.clean.boilerplate import clean_text
from newsfold.clean.dates import infer_year, parse_date, parse_timestamp
from newsfold.clean.metadata import without_dateline, find_dateline
from newsfold.config import Config
from newsfold.ingest import read_paths
from newsfold.model import Article, ErrorRecord, RawRecord

CFG = Config()


def _raw(content: str, *, id="t", format="text", **fields) -> RawRecord:
    return RawRecord(id=id, path=f"{id}.txt", format=format, content=content, fields=fields)


def _clean(content: str, **kw) -> Article:
    article, errors = clean_record(_raw(content, **kw), config=CFG)
    assert article is not None, errors
    return article


def _rules(article: Article) -> list[str]:
    return [r["rule"] for r in article.removed]


BODY1 = ("The regional council of the fictional province of Varn approved a new budget on Monday, "
         "raising spending on schools and roads by four percent.")
BODY2 = ("Opposition members said the plan relied on optimistic tax forecasts and voted against it "
         "in the final reading late in the evening.")


# ---------------------------------------------------------------- seeds (issue 2, done-when)

@pytest.fixture(scope="module")
def seed_articles(seeds_dir):
    out = list(clean_records(read_paths([str(seeds_dir)]), config=CFG))
    errors = [x for x in out if isinstance(x, ErrorRecord)]
    assert errors == []
    return {a.id[:3]: a for a in out}


def test_seed_dates(seed_articles):
    assert seed_articles["000"].published == "2025-07-31"
    assert seed_articles["002"].published == "2025-07-31"
    assert seed_articles["004"].published == "2025-08-04"
    # no date anywhere in 001 and 003: nothing invented
    assert seed_articles["001"].published is None
    assert seed_articles["003"].published is None


BOILERPLATE = [
    re.compile(r"(?m)^\s*date \d{4}-\d{2}-\d{2}"),
    re.compile(r"(?i)also read"),
    re.compile(r"(?i)recommended for you"),
    re.compile(r"(?i)tsunami warning"),  # a headline of the related list
    re.compile(r"(?i)editorji \| world"),
    re.compile(r"(?i)news desk"),
    re.compile(r"(?i)^updated\s*:", re.M),
    re.compile(r"(?m)^\|$"),
    re.compile(r"\bSKS\b|\bNPK\b"),
    re.compile(r"(?i)only the headline of this report"),
    re.compile(r"(?i)syndicated feed"),
]


def test_seed_texts_have_no_boilerplate(seed_articles):
    for article in seed_articles.values():
        for rx in BOILERPLATE:
            assert not rx.search(article.text), (article.id, rx.pattern)


def _sentences(raw: str) -> list[str]:
    lines = [ln.strip() for ln in raw.splitlines() if len(ln.split()) >= 12]
    return lines


def test_seed_texts_keep_first_and_last_real_sentence(seed_articles, seeds_dir):
    # first and last real (long, prose) paragraph of each raw file, minus crawl header and credits
    expected = {
        "000": ("Russian Foreign Minister Sergey Lavrov confirmed Thursday",
                "He also emphasized the importance of bringing together Syrians at home and those living abroad."),
        "001": ("Russian Foreign Minister Sergey Lavrov and his Syrian counterpart Asaad al-Shaibani",
                "Another task is to reunite the Syrian people, both inside the country and abroad, he said."),
        "002": ("Russia's top diplomat welcomed Syria’s Foreign Minister in Moscow",
                "Syria seeks only to rebuild and is weary from the past 14 years of warfare."),
        "003": ("In a significant diplomatic move, Russian Foreign Minister Sergey Lavrov hosted",
                "the Moscow visit signals a pivotal step toward stabilizing bilateral relations amid regional complexities."),
        "004": ("The move is seen as a pragmatic approach by Syria’s new rulers",
                "We are looking forward to having Russia by our side on this path,” Al-Shaibani emphasized."),
    }
    for key, (first, last) in expected.items():
        text = seed_articles[key].text
        assert first in text.split("\n\n")[0], key
        assert last in text.split("\n\n")[-1], key


def test_seed_titles_and_metadata(seed_articles):
    assert seed_articles["000"].title == "Russia, Syria Talks Set to Continue in Moscow"
    assert seed_articles["002"].title == "Syria's New FM Visits Moscow to Strengthen Ties Post-Assad"
    for k in ("001", "003", "004"):
        assert seed_articles[k].title is None
    assert seed_articles["000"].source == "MENAFN"
    assert seed_articles["002"].source == "Editorji"
    assert seed_articles["002"].wire == "AP"
    assert seed_articles["002"].dateline == "Moscow, July 31 (AP)"
    assert seed_articles["002"].byline == "Editorji News Desk"
    assert all(a.language == "en" for a in seed_articles.values())


def test_every_removed_span_is_recorded(seed_articles):
    a = seed_articles["002"]
    rules = _rules(a)
    for rule in ("title", "date_line", "separator", "portal_byline", "desk_codes", "disclaimer",
                 "related_block"):
        assert rule in rules, rule
    block = next(r["text"] for r in a.removed if r["rule"] == "related_block")
    assert block.startswith("Recommended For You") and "F-16 fighter jets" in block


# ---------------------------------------------------------------- one rule at a time

def test_crawl_header_alone_and_glued():
    a = _clean(f" date 2024-03-01 17\n{BODY1}\n{BODY2}")
    assert a.text.startswith("The regional council") and a.published == "2024-03-01"
    assert a.removed[0] == {"text": "date 2024-03-01 17", "rule": "crawl_header"}
    b = _clean(f" date 2024-03-01 {BODY1}\n{BODY2}")
    assert b.text.startswith("The regional council") and b.published == "2024-03-01"
    assert b.title is None


def test_title_line_detected_only_when_short_and_unpunctuated():
    a = _clean(f"Varn Approves Budget\n{BODY1}\n{BODY2}")
    assert a.title == "Varn Approves Budget" and a.text.startswith("The regional council")
    b = _clean(f"{BODY1}\n{BODY2}")
    assert b.title is None and b.text.startswith("The regional council")
    c = _clean(f"The council met.\n{BODY1}")
    assert c.title is None and c.text.startswith("The council met.")


@pytest.mark.parametrize("line", [
    "Also Read: Budget row deepens in Varn",
    "READ ALSO | Five things to know about the budget",
    "Read more: Council elections next year",
    "Read More",
    "See also: Varn's debt in charts",
    "Related: Teachers welcome pay rise",
])
def test_related_link_lines(line):
    a = _clean(f"{BODY1}\n{line}\n{BODY2}")
    assert a.text == f"{BODY1}\n\n{BODY2}"
    assert a.removed == [{"text": line, "rule": "related_link"}]


def test_related_prose_is_kept():
    line = "Read more widely, the report shows that spending rose in every district last year."
    a = _clean(f"{BODY1}\n{line}\n{BODY2}")
    assert line in a.text


@pytest.mark.parametrize("heading", ["Recommended For You", "More from Varn Daily", "Related stories",
                                     "You may also like"])
def test_related_block_until_end_or_next_real_paragraph(heading):
    lst = "\n".join(["Varn | Politics", "Mayor resigns after vote", "Varn | Sport", "Local team wins cup final"])
    a = _clean(f"{BODY1}\n{heading}\n{lst}")
    assert a.text == BODY1
    assert a.removed[-1]["rule"] == "related_block" and "Local team wins cup final" in a.removed[-1]["text"]
    b = _clean(f"{BODY1}\n{heading}\n{lst}\n{BODY2}")
    assert b.text == f"{BODY1}\n\n{BODY2}"


@pytest.mark.parametrize("line, source", [
    ("Editorji News Desk", "Editorji"),
    ("| World Desk", None),
    ("Web Desk", None),
    ("Varnpost Digital Desk", "Varnpost"),
    # a masthead naming the outlet, then its desk (it named a story in the web UI)
    ("THE VARN HERALD - World desk", "THE VARN HERALD"),
    ("The Lakeside Post - Local desk", "The Lakeside Post"),
])
def test_portal_bylines(line, source):
    a = _clean(f"{BODY1}\n{line}\n{BODY2}")
    assert a.text == f"{BODY1}\n\n{BODY2}"
    assert _rules(a) == ["portal_byline"]
    assert a.source == source


@pytest.mark.parametrize("line, name", [("By Staff Reporter", "Staff Reporter"),
                                        ("By Anna Kowalska and Piet de Vries", "Anna Kowalska and Piet de Vries")])
def test_byline_lines(line, name):
    a = _clean(f"{BODY1}\n{line}\n{BODY2}")
    assert a.text == f"{BODY1}\n\n{BODY2}" and a.byline == name and _rules(a) == ["byline"]


@pytest.mark.parametrize("line, date", [
    ("Updated : Jul 31, 2025 17:54", "2025-07-31"),
    ("Published: 3 March 2024", "2024-03-03"),
    ("Published: Mar 3, 2024 | Updated: Mar 4, 2024", "2024-03-03"),
    ("Last updated: 2024-03-05T10:00:00Z", "2024-03-05"),
])
def test_date_lines_removed_and_used(line, date):
    a = _clean(f"{BODY1}\n{line}\n{BODY2}")
    assert a.text == f"{BODY1}\n\n{BODY2}"
    assert _rules(a) == ["date_line"] and a.published == date


def test_updated_prose_is_kept():
    line = "Updated figures published by the statistics office show the deficit fell to two percent."
    a = _clean(f"{BODY1}\n{line}")
    assert line in a.text and a.published is None


def test_separator_lines():
    a = _clean(f"{BODY1}\n|\n---\n•\n{BODY2}")
    assert a.text == f"{BODY1}\n\n{BODY2}" and _rules(a) == ["separator"] * 3


def test_desk_codes_after_credit():
    a = _clean(f"{BODY1}\n{BODY2} (AP) SKS NPK NPK")
    assert a.text.endswith("late in the evening. (AP)")
    assert {"text": "SKS NPK NPK", "rule": "desk_codes"} in a.removed
    assert a.wire == "AP"


def test_desk_codes_after_an_unknown_credit():
    a = _clean(f"{BODY1}\n{BODY2} (Meridian Press) KTR JLM JLM")
    assert a.text.endswith("late in the evening. (Meridian Press)")
    assert {"text": "KTR JLM JLM", "rule": "desk_codes"} in a.removed
    # one capitalised acronym after a parenthesis is prose, not a desk code
    b = _clean(f"{BODY1}\n{BODY2} (Reuters Poll) NATO")
    assert b.text.endswith("(Reuters Poll) NATO")


@pytest.mark.parametrize("line", [
    "(Only the headline of this report may have been reworked by Varnpost; the rest of the content "
    "is auto-generated from a syndicated feed.)",
    "(This story has not been edited by Varn Times staff and is auto-generated from a syndicated feed.)",
    "Disclaimer: The views expressed are those of the author.",
])
def test_disclaimers(line):
    a = _clean(f"{BODY1}\n{BODY2}\n{line}")
    assert a.text == f"{BODY1}\n\n{BODY2}" and _rules(a) == ["disclaimer"]


def test_inline_disclaimer_after_body():
    tail = "(This story has not been edited by Varn Times staff and is auto-generated from a syndicated feed.)"
    a = _clean(f"{BODY1}\n{BODY2} {tail}")
    assert a.text == f"{BODY1}\n\n{BODY2}" and _rules(a) == ["disclaimer"]


@pytest.mark.parametrize("line", [
    "Follow us on Twitter for the latest updates", "Subscribe to our newsletter", "© 2024 Varn Media. All rights reserved.",
    # sign-up boxes and player notices that open with a newsletter's name (a Multi-News story's
    # summary cited one: two copies of one outlet carried it)
    "Breaking News Alerts Get breaking news when it happens — in your inbox. Email Sign Up By signing up you "
    "agree to receive email newsletters or alerts from Varn Post. You can unsubscribe at any time.",
    "Sign up for Varn 2 newsletters to get breaking news, sports and more delivered straight to your email inbox.",
    "Story Continued Below", "Please enable Javascript to watch this video",
    "From Wikipedia, the free encyclopedia",  # a scraped page's tagline: it named a story
])
def test_promo_lines(line):
    a = _clean(f"{BODY1}\n{BODY2}\n{line}")
    assert a.text == f"{BODY1}\n\n{BODY2}" and _rules(a) == ["promo"]


def test_news_about_signing_up_is_no_promo():
    line = "Residents were asked to sign up for newsletters at the town hall meeting on Monday, the mayor said."
    a = _clean(f"{BODY1}\n{BODY2}\n{line}")
    assert a.text.endswith(line) and _rules(a) == []


def test_reporting_credit_line():
    a = _clean(f"{BODY1}\n{BODY2}\n(Reporting by Ana Lopez; Editing by Tom Hart)")
    assert a.text == f"{BODY1}\n\n{BODY2}" and _rules(a) == ["credit_line"]


def test_source_tag_gives_outlet_and_wire():
    a = _clean(f"(VarnWire) {BODY1}\n{BODY2}")
    assert a.source == "VarnWire" and a.text.startswith("The regional council")
    b = _clean(f"(Reuters) - {BODY1}\n{BODY2}")
    assert b.wire == "Reuters" and b.source is None and b.text.startswith("The regional council")


# ---------------------------------------------------------------- metadata

@pytest.mark.parametrize("para, text, wire", [
    ("Moscow, July 31 (AP) – Russia's top diplomat met his counterpart.", "Moscow, July 31 (AP)", "AP"),
    ("MOSCOW (Reuters) - Russia's top diplomat met his counterpart.", "MOSCOW (Reuters)", "Reuters"),
    ("NEW YORK, Jan. 5, 2024 (AFP) — Shares rose on Friday.", "NEW YORK, Jan. 5, 2024 (AFP)", "AFP"),
    ("ANKARA — Turkish officials said on Monday that talks would resume.", "ANKARA", None),
    ("KYIV, Ukraine — Officials said on Monday that talks would resume.", "KYIV, Ukraine", None),
    ("Beirut, Lebanon (AP) — Officials said on Monday that talks would resume.", "Beirut, Lebanon (AP)", "AP"),
])
def test_datelines(para, text, wire):
    dl = find_dateline(para)
    assert dl is not None and dl.text == text
    a = _clean(para + "\n" + BODY2)
    assert a.dateline == text and a.wire == wire


def test_a_dateline_that_names_a_day_in_place_of_a_place():
    """HealthDay files as "MONDAY, July 2 (HealthDay News) -- …": the weekday opener was
    refused as no place, so the dateline stayed in summaries and claims and dated nothing."""
    para = "TUESDAY, Dec. 30 (HealthDay News) -- Eating more fish may lower the risk of heart disease, a study found."
    dl = find_dateline(para)
    assert dl is not None and dl.text == "TUESDAY, Dec. 30 (HealthDay News)" and dl.place == ""
    assert without_dateline(para).startswith("Eating more fish")
    a = _clean(f" date 2025-01-02\n{para}\n{BODY2}")
    assert a.published == "2024-12-30" and a.wire == "HealthDay"
    # a weekday without a credit is no dateline
    assert find_dateline("MONDAY, July 2 -- Eating more fish may lower the risk, a study found.") is None


def test_no_dateline_in_plain_sentence():
    assert find_dateline("Russian Foreign Minister Sergey Lavrov said on Thursday that talks went well.") is None


def test_a_subheading_in_capitals_is_no_dateline_but_places_with_small_words_are():
    assert find_dateline("USING SMARTPHONES FOR PLANNING: Couples are researching venues on their phones.") is None
    assert find_dateline("HOW THE DEAL WAS STRUCK — The ministers met for nine hours.") is None
    for para, place in (("ISLE OF MAN — The island's parliament met.", "ISLE OF MAN"),
                        ("RIO DE JANEIRO (Reuters) - Brazil's central bank held rates.", "RIO DE JANEIRO"),
                        ("NEW DELHI: The government said the talks went well.", "NEW DELHI")):
        assert find_dateline(para).place == place


def test_dateline_year_from_another_date_else_none():
    para = "Varn City, Dec. 30 (Reuters) - The council approved the budget after a long debate."
    a = _clean(f" date 2025-01-02\n{para}\n{BODY2}")
    assert a.published == "2024-12-30"  # the dateline's day, the year from the crawl header
    assert _clean(f" date 2025-01-02\n{BODY1}\n{BODY2}").published == "2025-01-02"
    # a year-less dateline alone gives no date
    b = _clean(f"{para}\n{BODY2}")
    assert b.published is None and b.dateline == "Varn City, Dec. 30 (Reuters)"
    # with a reference date from the container (WARC-Date), the year is inferred
    c, _ = clean_record(_raw(f"{para}\n{BODY2}", warc_date="2025-01-02T10:00:00Z"), config=CFG)
    assert c.published == "2024-12-30"
    assert infer_year(12, 30, "2025-01-02") == "2024-12-30"


def test_wire_from_trailing_credit_and_agency_name():
    assert _clean(f"{BODY1}\n{BODY2} — Reuters").wire == "Reuters"
    assert _clean(f"ANKARA (AA) - {BODY1}\n{BODY2}").wire == "Anadolu"
    assert _clean(f"{BODY1}\n{BODY2}").wire is None


def test_parse_date_formats_and_nonsense():
    assert parse_date("Jul 31, 2025 17:54") == "2025-07-31"
    assert parse_date("Thursday, 31 July 2025") == "2025-07-31"
    assert parse_date("2025-07-31T08:00:00+02:00") == "2025-07-31"
    assert parse_date("tomorrow") is None
    assert parse_date("in 3 days") is None
    assert parse_date("the day after the storm") is None
    assert parse_date("2025-13-45") is None


def test_epoch_dates_in_seconds_or_milliseconds_and_their_sentinels():
    """0 and -1 are a feed's "no date" (they were 1970-01-01 and 1969-12-31); an epoch date
    obeys the years a written date may name."""
    assert parse_date(1700000000) == parse_date(1700000000000) == "2023-11-14"
    assert parse_date(0) is None and parse_date(-1) is None and parse_date(float("nan")) is None
    assert parse_date(4102444800) is None  # 2100
    # a compact day, not so many seconds after 1970
    assert parse_date(20260307) == parse_date("20260307") == "2026-03-07" and parse_date(20261399) is None
    assert parse_timestamp(20260307) == parse_timestamp("20260307") == "2026-03-07"
    assert parse_date("2026030²") is None and parse_timestamp("2026030²") is None  # no crash on "²"
    assert parse_timestamp(1772445600) == "2026-03-02T10:00:00+00:00"


def test_jsonl_fields_and_bad_date(fixtures_dir):
    out = list(clean_records(read_paths([str(fixtures_dir / "ingest" / "articles.jsonl")]), config=CFG))
    arts = [x for x in out if isinstance(x, Article)]
    assert [x for x in out if isinstance(x, ErrorRecord)] == []
    a = arts[0]
    assert (a.title, a.published, a.source) == ("Orchard growers count frost losses", "2024-04-15", "Vellmar Daily")
    assert a.meta == {"section": "Farming", "tags": ["frost", "apples"]}
    assert "Also Read" not in a.text and _rules(a) == ["related_link"]
    assert arts[1].published == "2024-03-08"
    bad = _raw(BODY1, format="jsonl", date="sometime last spring")
    art, errs = clean_record(bad, config=CFG)
    assert art is not None and art.published is None
    assert len(errs) == 1 and errs[0].kind == "bad_date" and errs[0].article_id == art.id


def test_crawl_time_is_first_seen_and_news_please_fields_are_read():
    """A crawler's export (news-please writes date_publish, date_download and authors) keeps
    when the page was seen as ``first_seen``, in UTC to the second; a bad one is reported."""
    a, errs = clean_record(_raw(BODY1, format="jsonl", date_publish="2026-03-02 21:40:00",
                                date_download="2026-03-03 08:15:00+01:00", authors=["Ines Varga"]),
                           config=CFG)
    assert errs == []
    assert (a.published, a.first_seen, a.byline) == ("2026-03-02", "2026-03-03T07:15:00+00:00", "Ines Varga")
    assert "date_download" not in a.meta and "authors" not in a.meta
    a, errs = clean_record(_raw(BODY1, format="jsonl", first_seen=1772445600, authors=[]), config=CFG)
    assert errs == [] and a.first_seen == "2026-03-02T10:00:00+00:00" and a.byline is None
    a, errs = clean_record(_raw(BODY1, format="jsonl", first_seen="yesterday-ish"), config=CFG)
    assert a is not None and a.first_seen is None and a.meta["raw_first_seen"] == "yesterday-ish"
    assert [(e.kind, e.article_id) for e in errs] == [("bad_date", a.id)] and "first-seen" in errs[0].reason


def test_warc_date_is_when_the_page_was_first_seen(fixtures_dir):
    out = list(clean_records(read_paths([str(fixtures_dir / "ingest" / "pages.warc.gz")]), config=CFG))
    tram = next(a for a in out if isinstance(a, Article) and a.title == "New tram line opens in Riverton")
    assert tram.published == "2024-06-03" and tram.first_seen == "2026-11-22T22:01:58+00:00"


def test_html_page_extraction(fixtures_dir):
    recs = list(read_paths([str(fixtures_dir / "ingest" / "page.html")]))
    a, errs = clean_record(recs[0], config=CFG)
    assert errs == []
    assert a.title == "Harbour bridge reopens after repairs"
    assert a.source == "The Coastal Courier"
    assert a.published == "2024-03-05"
    assert a.byline == "Mara Lindqvist"
    assert a.dateline == "PORT ELLIS, March 5 (Reuters)" and a.wire == "Reuters"
    assert a.text.startswith("PORT ELLIS, March 5 (Reuters) - The harbour bridge")
    assert a.text.endswith("would stay in place until May.")
    for noise in ("Also Read", "Privacy", "Home", "All rights reserved", "Sport"):
        assert noise not in a.text
    assert "related_link" in _rules(a)


def test_warc_and_feed_articles(fixtures_dir):
    paths = [str(fixtures_dir / "ingest" / n) for n in ("pages.warc.gz", "feed.rss", "feed.atom")]
    out = list(clean_records(read_paths(paths), config=CFG))
    assert [x for x in out if isinstance(x, ErrorRecord)] == []
    by_title = {a.title: a for a in out}
    tram = by_title["New tram line opens in Riverton"]
    assert tram.source == "Riverton News" and tram.published == "2024-06-03" and tram.wire == "AP"
    assert "Also Read" not in tram.text and "Home" not in tram.text
    robot = by_title["Northfield school wins robotics prize"]
    assert robot.source == "Northfield Gazette" and robot.published == "2024-03-12"
    assert "Read more" not in robot.text and robot.text.endswith("their teacher said.")
    ferry = by_title["Southport ferry gets electric engines"]
    assert ferry.published == "2024-05-01" and ferry.source == "Southport Herald"
    assert by_title["Harbour festival dates announced"].text.startswith("The fictional Southport harbour")


def test_boilerplate_only_text_is_an_error():
    art, errs = clean_record(_raw("Also Read: Something else\nRecommended For You\nA | B\nHeadline"), config=CFG)
    assert art is None and len(errs) == 1 and errs[0].kind == "no_text"


def test_language_detection_and_switch():
    fr = ("Le conseil régional a approuvé lundi un nouveau budget qui augmente les dépenses pour les "
          "écoles et les routes de quatre pour cent.")
    assert _clean(fr).language == "fr"
    art, _ = clean_record(_raw(BODY1), config=Config(detect_language=False))
    assert art.language is None


def test_headline_cased_english_is_not_taken_for_another_language():
    """The lite model reads this title-cased lead (written here) as German; English function
    words settle it. German stays German."""
    from newsfold.clean.language import detect_language

    en = ("The Doctor Is (Finally) In: Governor To Nominate Ada Kestrel as Surgeon General Jul 13, "
          "2029 11:23am Governor Renn will name Dr. Ada Kestrel as the next surgeon general of the "
          "region.")
    assert detect_language(en) == "en"
    de = ("Ein Erdbeben der Stärke 6,1 hat am Dienstag den Süden von Valdoria erschüttert. Berichte "
          "über Opfer gab es zunächst nicht, teilte das Institut mit.")
    assert detect_language(de) == "de"


def test_clean_text_is_idempotent_on_clean_output(seed_articles):
    for a in seed_articles.values():
        again = clean_text(a.text, plain=False)
        assert again.text == a.text, a.id


def test_html_dates_from_markup_url_or_text_never_from_copyright_year():
    page = ("<html><head><title>Quiet village fair | Valley Voice</title></head><body><nav>Home | News</nav>"
            "<article><h1>Quiet village fair</h1>{upd}<p>The annual fair in the fictional village of "
            "Dunmore drew fewer visitors than usual on Saturday because of heavy rain, organisers said.</p>"
            "<p>Stallholders said they had sold about half of what they sell in a dry year.</p></article>"
            "<footer>© 2021 Valley Voice</footer></body></html>")
    rec = RawRecord(id="fair", path="fair.html", format="html", content=page.format(upd=""))
    assert clean_record(rec, config=CFG)[0].published is None
    rec.content = page.format(upd="<p>Updated: 14 May 2023 10:00</p>")
    a = clean_record(rec, config=CFG)[0]
    assert a.published == "2023-05-14" and "Updated" not in a.text
    rec.content = page.format(upd="")
    rec.url = "https://valley.example/2022/06/03/fair.html"
    a = clean_record(rec, config=CFG)[0]
    assert a.published == "2022-06-03" and a.source == "valley.example"


@pytest.mark.parametrize("line", ["Lire aussi : Le budget adopté", "Lesen Sie auch: Der Haushalt",
                                  "Leer también: El presupuesto"])
def test_related_link_lines_in_other_languages(line):
    a = _clean(f"{BODY1}\n{line}\n{BODY2}")
    assert a.removed == [{"text": line, "rule": "related_link"}]


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400),
       st.sampled_from(["text", "html", "jsonl"]))
def test_clean_never_raises_and_never_loses_silently(content, fmt):
    art, errs = clean_record(_raw(content, format=fmt), config=Config(detect_language=False))
    if art is None:
        assert len(errs) == 1 and errs[0].kind in ("no_text", "malformed_html")
    else:
        assert art.text.strip()
        # everything kept or removed is traceable to the input
        for r in art.removed:
            assert r["rule"] and r["text"] is not None


def test_portal_header_lines_before_the_title():
    doc = ("Home » World » Asia\nJapan quake: death toll rises to 12\n"
           "By Reuters | Updated: Jan 02, 2024, 10:15 IST\n"
           "TOKYO (Reuters) - The death toll from a powerful earthquake in central Japan rose to 12 on "
           "Tuesday, local authorities said, as rescuers searched collapsed buildings.\n"
           f"{BODY2}\nShare:\nTags: Japan, earthquake\n")
    a = _clean(doc)
    assert a.title == "Japan quake: death toll rises to 12"
    assert _rules(a) == ["crumb", "title", "byline", "promo", "tags"]
    assert a.published == "2024-01-02" and a.wire == "Reuters" and a.dateline == "TOKYO (Reuters)"
    assert a.text.startswith("TOKYO (Reuters) - The death toll") and a.text.endswith("late in the evening.")


def test_title_needs_a_body_after_it():
    a = _clean("Short headline only\nAlso Read: something")
    assert a.title is None and a.text == "Short headline only"


def test_hard_wrapped_plain_text_is_unwrapped_before_the_rules():
    doc = ("The council of the fictional town of Lowmoor approved a new\n"
           "flood barrier on Wednesday after two winters of flooding along\n"
           "the river Esk, its planning chief said.\n"
           "Construction is expected to start in the autumn and to take a well-\n"
           "planned two years.\n")
    a = _clean(doc)
    assert a.title is None
    assert a.text.split("\n\n") == [
        "The council of the fictional town of Lowmoor approved a new flood barrier on Wednesday "
        "after two winters of flooding along the river Esk, its planning chief said.",
        "Construction is expected to start in the autumn and to take a well-planned two years.",
    ]


def test_not_datelines_and_file_photo_captions():
    assert find_dateline("FILE - In this Jan. 5, 2018, file photo, a man walks past the court.") is None
    # a weekday opener is no place (the dated, credited form is a dateline without one)
    assert find_dateline("MONDAY -- A new study says coffee is fine for most adults.") is None
    assert find_dateline("MONDAY, July 2 (HealthDay News) -- A new study says coffee is fine.").place == ""
    cap = "FILE - In this Jan. 5, 2018, file photo, a man walks past the court in Varn."
    a = _clean(f"{BODY1}\n{cap}\n{BODY2}")
    assert a.text == f"{BODY1}\n\n{BODY2}" and _rules(a) == ["photo_credit"]


@pytest.mark.parametrize("line, date", [("July 31, 2025", "2025-07-31"), ("31 Jul 2025, 10:15 IST", "2025-07-31"),
                                        ("Thursday, July 31, 2025 5:30 PM ET", "2025-07-31")])
def test_bare_date_lines_are_removed_used_and_not_taken_for_titles(line, date):
    a = _clean(f"{line}\n{BODY1}\n{BODY2}")
    assert a.title is None and a.published == date
    assert a.text == f"{BODY1}\n\n{BODY2}" and _rules(a) == ["date_line"]
    prose = "July 31, 2025 was the hottest day on record in the fictional town of Varn, officials said."
    assert prose in _clean(f"{BODY1}\n{prose}").text


@pytest.mark.parametrize("line, wire", [("Source: AFP", "AFP"), ("(With inputs from PTI)", "PTI"),
                                        ("With inputs from agencies", None), ("Courtesy: Ministry of Roads", None)])
def test_source_credit_lines(line, wire):
    a = _clean(f"{BODY1}\n{BODY2}\n{line}")
    assert a.text == f"{BODY1}\n\n{BODY2}" and _rules(a) == ["credit_line"] and a.wire == wire


def test_odd_field_types_do_not_break_cleaning():
    rec = _raw(BODY1, format="jsonl", date={"year": 2024}, title=["not", "a", "string"], source=7)
    art, errs = clean_record(rec, config=CFG)
    assert art is not None and art.published is None and art.title is None and art.source is None
    # what was left out is said (the title and the outlet were dropped without a word before)
    assert [e.kind for e in errs] == ["bad_date", "bad_field", "bad_field"]
    assert all(e.article_id == rec.id for e in errs)
    assert "'title' is not a string (list" in errs[1].reason and "'source' is not a string (int" in errs[2].reason


def test_short_html_feed_teaser_is_kept_as_text():
    rec = RawRecord(id="teaser", path="f.rss", format="rss", position=1,
                    content="<html><body><article><p>Ferry strike ends.</p></article></body></html>",
                    fields={"title": "Ferry strike ends", "content_type": "html", "date": "2024-05-01"})
    art, errs = clean_record(rec, config=CFG)
    assert errs == [] and art.text == "Ferry strike ends." and art.published == "2024-05-01"
    # a standalone HTML page with no article text is still malformed
    page = RawRecord(id="p", path="p.html", format="html", content=rec.content)
    art, errs = clean_record(page, config=CFG)
    assert art is None and [e.kind for e in errs] == ["malformed_html"]


@pytest.mark.parametrize("line, rule, wire", [
    ("(Only the headline and picture of this report may have been reworked by the Varn Standard staff; "
     "the rest of the content is auto-generated from a syndicated feed.)", "disclaimer", None),
    ("This report is auto-generated from syndicated news agency feeds. VarnPrint holds no responsibility "
     "for its content.", "disclaimer", None),
    ("(The above story first appeared on VarnLY on Jul 31, 2025 05:30 PM IST. For more news, log on to "
     "our website.)", "disclaimer", None),
    ("Legal Disclaimer: The publisher provides the information as is without warranty of any kind.",
     "disclaimer", None),
    ("Catch all the Business News and Latest News Updates on Varn Mint.", "promo", None),
    ("— With inputs from agencies", "credit_line", None),
    ("- IANS", "credit_line", "IANS"),
    ("AFP", "credit_line", "AFP"),
    ("VARN31072025000045017169ID1109865734", "tracking_id", None),
    ("Edited By: Pragati Varn", "byline", None),
    ("ANI | Updated: Jul 31, 2025 17:54 IST", "byline", "ANI"),
    ("Published Date: Jul 31, 2025", "date_line", None),
])
def test_more_portal_boilerplate(line, rule, wire):
    a = _clean(f"{BODY1}\n{line}\n{BODY2}")
    assert a.text == f"{BODY1}\n\n{BODY2}", a.removed
    assert _rules(a) == [rule]
    assert a.wire == wire


def test_sources_headline_is_not_a_credit():
    a = _clean(f"Sources: Team May Not Be Out Of The Chase\n{BODY1}\n{BODY2}")
    assert a.title == "Sources: Team May Not Be Out Of The Chase"


@pytest.mark.parametrize("text,kind", [
    ("Starting in 1996, Alexa Internet has been donating their crawl data to the Internet Archive. "
     "Flowing in every day, these data are added to the Wayback Machine after an embargo period.", "archive"),
    ("Tweet with a location\n\nYou can add location information to your Tweets, such as your city.", "embed"),
    ("Add a location to your Tweets\n\nWhen you tweet with a location, Twitter stores that location.", "embed"),
    ("Just a moment...\n\nChecking if the site connection is secure. Enable JavaScript and cookies to continue.",
     "bot_check"),
    ("404 Not Found\n\nThe page you are looking for cannot be found.", "error_page"),
    ("Please enable cookies to continue reading the Varn Herald.", "consent"),
])
def test_a_page_that_holds_no_article_is_an_error_record(text, kind):
    """Crawls keep such pages under an article's URL (Multi-News validation holds 35, identical across
    unrelated stories): one error record each, no article."""
    from newsfold.clean.boilerplate import placeholder_page
    from newsfold.model import RawRecord

    assert placeholder_page(text) == kind
    art, errs = clean_record(RawRecord(id="p", path="feed.jsonl", format="jsonl", content=text, position=3), config=CFG)
    assert art is None and [(e.kind, e.position) for e in errs] == [("no_article", 3)]


def test_an_article_about_an_error_page_is_an_article():
    long = (f"{BODY1} Visitors saw '404 Not Found' and 'Access denied' for most of Monday, and the site "
            "asked readers to verify that you are human before it went dark. " * 6)
    from newsfold.clean.boilerplate import placeholder_page

    assert len(long) > 1500 and placeholder_page(long) is None
    assert placeholder_page("Access denied to the archive, the court ruled on Monday in Port Averin.") is None


def _deep_page(body: str) -> RawRecord:
    page = ("<html><head><title>Harbour board hears residents</title></head><body>"
            f"<h1>Harbour board hears residents</h1>{body}</body></html>")
    return RawRecord(id="deep", content=page, format="html", path="deep.html")


@pytest.mark.parametrize("body", [
    # an old page that never closes its <font> and <b> tags: each paragraph nests deeper
    "".join(f"<font face='Arial'><b>Resident {i} told the harbour board on Tuesday that the "
            f"ferry plan would close the slipway number {i}.<br>" for i in range(400)),
    # wrappers 20,000 deep around the article
    "<div>" * 20000 + "".join(f"<p>Resident {i} told the harbour board on Tuesday that the "
                               f"ferry plan would close the slipway number {i}.</p>"
                               for i in range(400)) + "</div>" * 20000,
], ids=["unclosed-font-tags", "20000-wrappers"])
def test_markup_deeper_than_libxml2_goes_keeps_all_its_text(body):
    """libxml2 stops the tree 256 elements deep: trafilatura returned the first paragraphs
    of the page with unclosed tags (a third of its text), and nothing at all for the
    20,000-deep page (an error record, the article lost)."""
    article, errors = clean_record(_deep_page(body))
    assert not errors
    assert article.title == "Harbour board hears residents"
    assert "slipway number 0." in article.text and "slipway number 399." in article.text
    assert len(re.findall(r"Resident \d+ told", article.text)) == 400


def test_a_markdown_heading_line_is_a_title_without_its_marks():
    ct = clean_text(f"# Budget passes in Varn\n\n{BODY1}\n\n{BODY2}", plain=True)
    assert ct.title == "Budget passes in Varn" and ct.text.startswith(BODY1[:40])


@pytest.mark.parametrize("line", ["Chaos at the front desk", "Trump - the man behind the desk",
                                  "Oval Office - a new desk"])
def test_headlines_about_desks_are_titles(line):
    ct = clean_text(f"{line}\n\n{BODY1}\n\n{BODY2}", plain=True)
    assert ct.title == line and ct.desk_source is None


@pytest.mark.parametrize("line", ["Local News More>>", "English >> World", "Top Stories » Politics",
                                  "PHILADELPHIA |", "Breaking news on the budget:", "To our community,",
                                  "Politics Today"])
def test_a_page_label_line_is_not_a_title(line):
    """Scraped pages open with a section or breadcrumb line ("Local News More>>" named a
    story about an Ebola patient at Newark airport)."""
    ct = clean_text(f"{line}\n\n{BODY1}\n\n{BODY2}", plain=True)
    assert ct.title is None


@pytest.mark.parametrize("line", [
    "Hold your head up, family pic.twitter.com/tXjogm2 — Ora Vell (@oravell) June 20, 2017",
    "Rest easy, king. — Ora Vell (@oravell) June 20, 2017 the city lost a voice today. — Tam Ru (@tamru) June 20, 2017",
    "Sad day for Varn music A post shared by Ora Vell (@oravell) on Jun 20, 2017 at 10:33am PDT",
    "Ora Vell (@oravell) 20 June 2017",
])
def test_an_embedded_social_post_is_not_article_text(line):
    """Embedded tweets and Instagram posts became claims and timeline entries of a story."""
    ct = clean_text(f"{BODY1}\n\n{line}\n\n{BODY2}", plain=True)
    assert "(@oravell)" not in ct.text and BODY1[:40] in ct.text and BODY2[:40] in ct.text
    assert [r["rule"] for r in ct.removed] == ["social_embed"]


def test_prose_that_names_a_handle_stays():
    line = "The council posted the figures on its account (@varncouncil) on Tuesday."
    ct = clean_text(f"{BODY1}\n\n{line}\n\n{BODY2}", plain=True)
    assert line in ct.text


@pytest.mark.parametrize("line", [
    "In this photo provided by the Varn council, the mayor and her deputy meet in Kessel Saturday, March 23, 2013.",
    "General view of the emergency entrance to the Kessel hospital.",
    "Varn soldiers patrol outside the cathedral as part of the security plan in Kessel, April 22, 2015.",
    "Mayor Ana Velt shakes hands with the minister on the tarmac at Kessel airport on Thursday, June 16, 2016.",
    "In this Tuesday, Feb. 26, 2013, file photo, a man speaks on his phone at the Kessel fair.",
    "Council leader Tom Ru, right, speaks at the Kessel town hall, Monday May 4, 2015, in Varn,... (Associated Press)",
    "Sheriff Ana Velt, from left, and Chief Tom Ru announce the arrests. (Photo: Ora Vell/Varn Courier)",
    "This May 4, 2015 photo shows police tape at the bridge in Kessel.",
])
def test_a_wire_photo_caption_is_not_article_text(line):
    """Captions were a story's timeline entries ("French soldiers patrol outside the Notre Dame
    Cathedral ... in Paris, April 22, 2015.")."""
    ct = clean_text(f"{BODY1}\n\n{line}\n\n{BODY2}", plain=True)
    assert line not in ct.text
    assert [r["rule"] for r in ct.removed] in (["photo_caption"], ["photo_credit"])  # credited: either


@pytest.mark.parametrize("line", [
    "The council approved the plan in Kessel on March 23, 2013.",  # told in the past tense
    "“We will patrol the streets,” the mayor said on Thursday, June 16, 2016.",  # a quotation
    "The law applies to every farm in Varn from January 1, 2015.",
])
def test_prose_that_closes_on_a_date_stays(line):
    ct = clean_text(f"{BODY1}\n\n{line}\n\n{BODY2}", plain=True)
    assert line in ct.text


def test_a_web_archive_crawl_note_is_not_article_text():
    notes = "Crawl start date: 09 March, 2011\n\nCrawl end date: 23 December, 2011"
    ct = clean_text(f"{BODY1}\n\n{notes}\n\n{BODY2}", plain=True)
    assert "Crawl" not in ct.text and [r["rule"] for r in ct.removed] == ["archive_note"] * 2


def test_a_published_label_in_brackets_is_a_date_line_and_an_amended_note_is_a_mark():
    """"(Published Tuesday, April 23, 2013)" and "This article was amended on 9 June 2016."
    were timeline entries of their stories."""
    from newsfold.marks import is_editorial_mark

    ct = clean_text(f"{BODY1}\n\n(Published Tuesday, April 23, 2013)\n\n{BODY2}", plain=True)
    assert [r["rule"] for r in ct.removed] == ["date_line"] and ("published", "2013-04-23") in ct.line_dates
    assert is_editorial_mark("This article was amended on 9 June 2016.")
    assert not is_editorial_mark("The law was amended on 9 June 2016.")
