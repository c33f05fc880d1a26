"""The data contract (quarantine with every reason, nothing dropped) and the data it guards (loaders, split)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from shared.atomic import temp_files
from shared.errors import DataError
from week16_pipeline.contract import LABELS, ContractError, validate, write_quarantine
from week16_pipeline.data import clean_ag_text, load_ag_news, load_bbc, split

GOOD = "A description long enough to classify, about markets."


@pytest.fixture(scope="module")
def news() -> pd.DataFrame:
    return load_ag_news()


def articles() -> pd.DataFrame:
    """One good row, then one row per fault, and one row with four faults at once; a non-default index."""
    rows = [
        ("http://news.test/1", "Stocks rise on hopes", GOOD, "Business"),
        ("http://news.test/2", "Stocks rise on hopes", GOOD, "World"),  # same text as row 1 (label noise too)
        ("http://news.test/3", "Short one", "too short", "Sports"),
        ("http://news.test/4", None, GOOD + " Another.", "World"),
        ("http://news.test/5", "Unlabelled story", GOOD + " More.", None),
        ("http://news.test/6", "   ", GOOD + " Blank title.", "Sci/Tech"),
        ("ftp://news.test/7", "ab", "x" * 6000, "Politics"),
        ("http://news.test/8", "Fine headline", GOOD + " Different text.", "Sci/Tech"),
    ]
    frame = pd.DataFrame(rows, columns=["url", "title", "description", "label"])
    frame.index = frame.index + 100
    return frame


def test_failing_rows_are_quarantined_with_every_reason_and_nothing_is_dropped():
    frame = articles()
    clean, quarantined = validate(frame)
    assert len(clean) + len(quarantined) == len(frame)
    assert clean.index.tolist() == [100, 107]  # the first copy of a duplicated text is kept
    pd.testing.assert_frame_equal(clean, frame.loc[[100, 107]])
    assert quarantined["reason"].to_dict() == {
        101: "title+description: duplicate_text",
        102: "description: length_20_to_5000_chars",
        103: "title: missing",
        104: "label: missing",
        105: "title: length_3_to_300_chars",
        106: "description: length_20_to_5000_chars; label: label_in_classes; title: length_3_to_300_chars; "
        "url: url_format",
    }


def test_a_batch_without_a_required_column_is_refused_and_wrong_types_are_quarantined():
    with pytest.raises(ContractError, match="label"):
        validate(articles().drop(columns="label"))
    clean, quarantined = validate(articles().assign(label=range(8)))  # integer labels: quarantined, each with why
    assert clean.empty and quarantined["reason"].str.contains("label: wrong_type").all()


def test_the_offline_data_meets_the_contract_and_splits_stratified(news):
    assert len(news) == 7600 and set(news["label"]) == set(LABELS)
    assert (news["label_id"].map(dict(enumerate(LABELS))) == news["label"]).all()
    clean, quarantined = validate(news)
    assert len(quarantined) == 0 and len(clean) == 7600
    train, val, test = split(news, seed=0)
    assert (len(train), len(val), len(test)) == (5320, 1140, 1140)
    for part in (train, val, test):
        assert part["label"].value_counts(normalize=True).sub(0.25).abs().max() < 0.005
    texts = [set(part["title"] + part["description"]) for part in (train, val, test)]
    assert not (texts[0] & texts[1] or texts[0] & texts[2] or texts[1] & texts[2])
    assert split(news, seed=0)[2].equals(test) and not split(news, seed=1)[2].equals(test)


def test_full_data_keeps_the_official_test_split_and_says_when_it_needs_internet(news, monkeypatch):
    official = pd.concat([news.assign(official_split="train")] * 2 + [news.head(400).assign(official_split="test")])
    train, val, test = split(official, seed=0)
    assert (test["official_split"] == "test").all() and len(test) == 400
    assert len(val) == 400 and (val["official_split"] == "train").all() and len(train) == 2 * 7600 - 400

    def offline(*args, **kwargs):
        raise ConnectionError("Name or service not known")

    monkeypatch.setattr("pooch.retrieve", offline)
    with pytest.raises(DataError, match="--full-data needs internet"):
        load_ag_news(full_data=True)


def test_ag_news_text_artefacts_are_cleaned():
    # the 2004 crawl turned "&" into a space: "Apple&#39;s" became "Apple #39;s"
    assert clean_ag_text("Apple #39;s  quot;iPod quot; costs  #36;5\\and &lt;AAPL.O&gt;") == (
        'Apple\'s "iPod" costs $5 and <AAPL.O>'
    )
    assert clean_ag_text("them  #151; online") == "them — online"  # a cp1252 code point, as a browser shows it


def test_bbc_is_another_source_with_longer_articles(news):
    bbc = load_bbc()
    assert len(bbc) == 2225 and (bbc["source"] == "bbc").all()
    assert bbc["ag_label"].dropna().isin(LABELS).all() and bbc["ag_label"].isna().sum() == 386  # entertainment
    assert bbc["text"].str.len().median() > 5 * news["description"].str.len().median()


def test_quarantine_file_is_written_whole_and_keeps_the_exact_text(tmp_path):
    _, quarantined = validate(articles().assign(title=lambda f: f["title"].where(f.index != 106, "=HYPERLINK()")))
    jsonl = write_quarantine(quarantined, tmp_path / "quarantine.jsonl")
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert [r["reason"] for r in rows] == quarantined["reason"].tolist()
    assert "=HYPERLINK()" in [r["title"] for r in rows]
    csv = write_quarantine(quarantined, tmp_path / "quarantine.csv")
    assert "'=HYPERLINK()" in csv.read_text(encoding="utf-8")  # a spreadsheet shows it as text
    assert not temp_files(jsonl) and not temp_files(csv)
    assert write_quarantine(quarantined.head(0), tmp_path / "empty.jsonl").read_text() == ""
