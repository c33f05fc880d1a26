"""How `roadmap grade week16 PATH` checks a learner's pipeline core: the scraper, the data contract, the model choice.

The contract is the lesson's own API: `crawl` (scraper.py), `validate` (contract.py), `fit_baseline` (train.py) and
`predict_proba` (inference.py). The grader owns the data: a local news site with real sites' faults served on
loopback (`news_site.py`), a batch of scraped-looking articles with known faults, and AG News items split with its
own seed into train / validation / test. `fit_baseline` sees train and validation only (and must not open the data
files itself); the test rows are scored once, by the grader. Checks ask what the unit's tests ask: robots.txt read
first and nothing it disallows requested, every readable article scraped once; every failing row quarantined with
each of its reasons and none dropped, the first copy of a duplicated text kept, a batch without a required column
refused; the C with the best validation accuracy chosen, test accuracy well above chance for every class, a text's
answer independent of the batch. Serving, scaling and monitoring need servers and minutes: they are the
self-assessment.
"""

from __future__ import annotations

import functools
import hashlib
from types import SimpleNamespace

import numpy as np
import pandas as pd

from shared.grading import Check, Function, Metric, Rubric, SelfCheck, expect
from shared.grading.probes import files_opened_under, once, seeded

CONTRACT = [
    Function("validate", "validate(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]",
             "(clean, quarantined) of a batch of articles (title, description, label; optional url, "
             "content_sha256): a row is clean when title has 3–300 and description 20–5,000 characters (stripped), "
             "label is World, Sports, Business or Sci/Tech, url is http(s), the hash is 64 hex digits and no "
             "earlier row has the same title and description. Every other row goes to `quarantined` with a "
             "`reason` naming each failing column; both keep df's index; a batch without title, description or "
             "label raises an error naming the column"),
    Function("fit_baseline", "fit_baseline(train, val, Cs, seed) -> tuple[model, pd.DataFrame]",
             "train, val: articles with title, description, label and label_id (0–3, in the order above). Fit a "
             "text classifier per C on train only, score each on val, return the best on val and the table of "
             "(C, val_accuracy). Learn only from the arguments: never read the data files yourself"),
    Function("predict_proba", "predict_proba(model, texts: list[str]) -> np.ndarray",
             "class probabilities, shape (n, 4), columns in label_id order (World, Sports, Business, Sci/Tech); "
             "a text is 'title. description'"),
    Function("crawl", "crawl(base_url, cache_dir, delay_s) -> pd.DataFrame",
             "crawl the news site at base_url (served by the grader on loopback, with real sites' faults), at "
             "least delay_s seconds between requests, keeping any cache under cache_dir: one row per article "
             "(url, title, description, label), each article once, nothing robots.txt disallows requested"),
]  # fmt: skip
REFERENCE = "week16_pipeline.grading:Reference"
GRADER_SEED = 2026  # the grader's sample and split differ from the lesson's (seed 42)
N_TRAIN, N_VAL, N_TEST = 1200, 400, 800  # AG News items: seconds to fit, enough to tell a right choice from a wrong one
CS = (3.0, 1000.0)  # training accuracy grows with C (1000: 100%); validation accuracy is higher at 3 here
ACCURACY_BAR = 0.75  # the reference scores ~81% on these 800 test items; chance is 25%
CLASS_BAR = 0.6  # every class's recall on the test items
LABELS = ("World", "Sports", "Business", "Sci/Tech")
FIT_TIMEOUT_S = 60.0


class Reference:
    """The lesson's functions under the contract's names (they already have them)."""

    @staticmethod
    def validate(df: pd.DataFrame):
        from week16_pipeline.contract import validate

        return validate(df)

    @staticmethod
    def fit_baseline(train: pd.DataFrame, val: pd.DataFrame, Cs, seed: int):
        from week16_pipeline.train import fit_baseline

        return fit_baseline(train, val, tuple(Cs), seed)

    @staticmethod
    def predict_proba(model, texts) -> np.ndarray:
        from week16_pipeline.inference import predict_proba

        return predict_proba(model, list(texts))

    @staticmethod
    def crawl(base_url: str, cache_dir, delay_s: float) -> pd.DataFrame:
        """The lesson's crawler, with a grading budget for retries (the lesson's defaults wait seconds)."""
        from pathlib import Path

        from week16_pipeline.scraper import crawl

        frame, _ = crawl(base_url, cache_dir=Path(cache_dir), delay_s=delay_s, timeout_s=5.0, retries=2,
                         backoff_s=0.05, progress=False)  # fmt: skip
        return frame


# --- the grader's data ---------------------------------------------------------------------------------------------


@functools.cache
def news() -> pd.DataFrame:
    from week16_pipeline.data import load_ag_news

    return load_ag_news()


@functools.cache
def splits() -> SimpleNamespace:
    """N_TRAIN / N_VAL / N_TEST AG News items, stratified by label with the grader's seed."""
    from sklearn.model_selection import train_test_split

    sample = news().sample(n=N_TRAIN + N_VAL + N_TEST, random_state=GRADER_SEED)
    rest, test = train_test_split(sample, test_size=N_TEST, stratify=sample["label"], random_state=GRADER_SEED)
    train, val = train_test_split(rest, test_size=N_VAL, stratify=rest["label"], random_state=GRADER_SEED)
    return SimpleNamespace(**{name: part.reset_index(drop=True) for name, part in
                              (("train", train), ("val", val), ("test", test))})  # fmt: skip


def texts_of(frame: pd.DataFrame) -> list[str]:
    return (frame["title"].str.strip() + ". " + frame["description"].str.strip()).tolist()


def _sha(title: str, description: str) -> str:
    return hashlib.sha256(f"{title}\n{description}".encode()).hexdigest()


@functools.cache
def batch() -> tuple[pd.DataFrame, dict[int, set[str]]]:
    """Scraped-looking articles: nine good ones, then one row per fault and a row with three; a non-default index.

    Returns the frame and, for each faulty row's index, the columns its reason must name ("duplicate" for a copy).
    """
    good = news().sample(n=9, random_state=GRADER_SEED + 1).reset_index(drop=True)
    rows = [{"url": f"https://news.test/article/{i}", "title": r.title, "description": r.description,
             "label": r.label, "content_sha256": _sha(r.title, r.description)}
            for i, r in enumerate(good.itertuples())]  # fmt: skip
    g = rows
    faults = [
        ({**g[0], "url": "https://news.test/story/0", "label": "World"}, {"duplicate"}),  # g[0]'s text again
        ({**g[1], "description": "A different story under the same headline, long enough to classify."}, set()),
        ({**g[2], "title": g[2]["title"] + " (brief)", "description": "Too short."}, {"description"}),
        ({**g[3], "title": None, "description": g[3]["description"] + " Update."}, {"title"}),
        ({**g[4], "title": g[4]["title"] + " (update)", "label": None}, {"label"}),
        ({**g[5], "title": g[5]["title"] + " (analysis)", "label": "Politics"}, {"label"}),
        ({**g[6], "title": "   ", "description": g[6]["description"] + " More."}, {"title"}),
        ({**g[7], "title": g[7]["title"] + " (corrected)", "content_sha256": "not-a-hash"}, {"content_sha256"}),
        ({**g[8], "title": "ab", "description": "x" * 6000, "url": "ftp://news.test/9"}, {"title", "description",
                                                                                        "url"}),
    ]  # fmt: skip
    frame = pd.DataFrame(rows + [row for row, _ in faults])
    frame.index = frame.index + 500
    expected = {500 + len(rows) + i: columns for i, (_, columns) in enumerate(faults) if columns}
    return frame, expected


def validated(sol) -> tuple[pd.DataFrame, pd.DataFrame]:
    def make():
        frame, _ = batch()
        out = sol.validate(frame.copy())
        expect(isinstance(out, tuple) and len(out) == 2 and all(isinstance(x, pd.DataFrame) for x in out),
               "validate must return (clean, quarantined), two DataFrames")  # fmt: skip
        clean, quarantined = out
        expect("reason" in quarantined.columns, f"quarantined has no `reason` column (columns: "
                                                f"{list(quarantined.columns)})")  # fmt: skip
        return clean, quarantined

    return once(sol, "validated", make)


# --- checks: the data contract ------------------------------------------------------------------------------------


def check_nothing_dropped(sol) -> None:
    frame, _ = batch()
    clean, quarantined = validated(sol)
    both = clean.index.intersection(quarantined.index)
    expect(both.empty, f"rows {sorted(both)} are both clean and quarantined")
    lost = frame.index.difference(clean.index.union(quarantined.index))
    expect(lost.empty, f"rows {sorted(lost)} of the batch are in neither output: dropped without a reason "
                       f"({len(clean)} clean + {len(quarantined)} quarantined of {len(frame)})")  # fmt: skip
    extra = clean.index.union(quarantined.index).difference(frame.index)
    expect(extra.empty, f"rows {sorted(extra)} are not index labels of the batch (keep df's index)")
    columns = [c for c in frame.columns if c in clean.columns]
    expect(columns == list(frame.columns), f"clean rows lost column(s) {sorted(set(frame.columns) - set(columns))}")
    changed = [i for i in clean.index if list(clean.loc[i, columns]) != list(frame.loc[i, columns])]
    expect(not changed, f"clean rows {changed} differ from the rows passed in: a contract checks, it does not edit")


def check_faults_quarantined(sol) -> None:
    frame, expected = batch()
    clean, quarantined = validated(sol)
    missed = sorted(i for i in expected if i not in quarantined.index)
    expect(
        not missed,
        f"faulty rows {missed} were not quarantined: {frame.loc[missed, ['title', 'label']].to_dict('index')}",
    )
    wrongly = sorted(i for i in quarantined.index if i not in expected)
    expect(not wrongly, f"rows {wrongly} meet the contract but were quarantined "
                        f"(reasons: {quarantined.loc[wrongly, 'reason'].tolist()})")  # fmt: skip


def check_every_reason(sol) -> None:
    _, expected = batch()
    _, quarantined = validated(sol)
    for index, columns in expected.items():
        if index not in quarantined.index or columns == {"duplicate"}:
            continue  # a missing row is `faulty_rows_quarantined`'s to report; duplicates are checked apart
        reason = str(quarantined.loc[index, "reason"])
        absent = sorted(c for c in columns if c not in reason)
        expect(not absent, f"row {index}'s reason {reason!r} does not name {absent}: list every failing column, "
                           f"not only the first")  # fmt: skip


def check_duplicates(sol) -> None:
    frame, expected = batch()
    clean, quarantined = validated(sol)
    copy = next(i for i, c in expected.items() if c == {"duplicate"})
    first = frame.index[0]
    same_title = copy + 1  # g[1]'s headline over another text
    expect(
        copy in quarantined.index and "dup" in str(quarantined.loc[copy, "reason"]).lower(),
        f"row {copy} repeats row {first}'s title and description and was not quarantined as a duplicate",
    )
    expect(first in clean.index, f"row {first}, the first copy of a duplicated text, was not kept")
    expect(same_title in clean.index, f"row {same_title} shares only its headline with row {first + 1} (another "
                                      "description): it is not a duplicate and was not kept")  # fmt: skip


def check_missing_column(sol) -> None:
    frame, _ = batch()
    try:
        sol.validate(frame.drop(columns="label"))
    except KeyError as exc:
        raise AssertionError(
            f"a batch without `label` crashed with KeyError({exc}); refuse it with an error "
            "that says which column is missing"
        ) from None
    except Exception as exc:  # noqa: BLE001 - any clear refusal will do
        expect("label" in str(exc), f"a batch without `label` was refused with {type(exc).__name__}: {exc} "
                                    "(name the missing column)")  # fmt: skip
        return
    raise AssertionError("a batch without a `label` column was accepted: no row can be judged without it")


# --- checks: model choice and model ---------------------------------------------------------------------------


def probabilities(sol, model, texts: list[str]) -> np.ndarray:
    p = np.asarray(sol.predict_proba(model, list(texts)), dtype="float64")
    expect(p.shape == (len(texts), len(LABELS)), f"predict_proba returned shape {p.shape} for {len(texts)} texts, "
                                                 f"expected ({len(texts)}, {len(LABELS)})")  # fmt: skip
    return p


def fit(sol, Cs=CS):
    d = splits()
    out = seeded(GRADER_SEED, sol.fit_baseline, d.train.copy(), d.val.copy(), tuple(Cs), GRADER_SEED)
    expect(isinstance(out, tuple) and len(out) == 2, "fit_baseline must return (model, table)")
    return out


def chosen(sol) -> SimpleNamespace:
    """The model fitted on CS (files watched), its table, and its answers for validation and test."""

    def make():
        from shared.data import data_dir

        d = splits()
        with files_opened_under(data_dir()) as opened:
            model, table = fit(sol)
        return SimpleNamespace(model=model, table=table, opened=sorted(set(opened)),
                               val=probabilities(sol, model, texts_of(d.val)),
                               test=probabilities(sol, model, texts_of(d.test)))  # fmt: skip

    return once(sol, "chosen", make)


def accuracy(p: np.ndarray, frame: pd.DataFrame) -> float:
    return float(np.mean(p.argmax(1) == frame["label_id"].to_numpy()))


def check_choice_on_validation(sol) -> None:
    d, c = splits(), chosen(sol)
    table = c.table
    expect(isinstance(table, pd.DataFrame) and len(table) == len(CS) and "val_accuracy" in table.columns,
           f"the table should have one row per C ({len(CS)}) and a `val_accuracy` column")  # fmt: skip
    each = {C: accuracy(probabilities(sol, fit(sol, (C,))[0], texts_of(d.val)), d.val) for C in CS}
    best = max(each.values())
    got = accuracy(c.val, d.val)
    expect(
        np.isclose(got, best, atol=1e-12),
        f"the returned model scores {got:.1%} on validation; fitted alone, C = "
        + ", ".join(f"{C:g}: {a:.1%}" for C, a in each.items())
        + " — the best on validation was not chosen",
    )
    reported = np.sort(table["val_accuracy"].astype(float).to_numpy())
    expect(np.allclose(reported, np.sort(list(each.values())), atol=1e-9),
           f"the table's val_accuracy {reported.round(4).tolist()} are not the validation accuracies of the "
           f"models ({np.sort(list(each.values())).round(4).tolist()})")  # fmt: skip


def check_reads_only_arguments(sol) -> None:
    opened = chosen(sol).opened
    expect(not opened, f"fit_baseline opened the data file(s) {opened}: a model fitted on all of AG News has seen the "
                       "grader's test rows")  # fmt: skip


def check_accuracy(sol) -> None:
    from shared.stats import proportion_ci

    d = splits()
    acc = accuracy(chosen(sol).test, d.test)
    low, high = proportion_ci(round(acc * N_TEST), N_TEST)
    expect(acc >= ACCURACY_BAR, f"accuracy on {N_TEST} held-out AG News items {acc:.1%} (95% CI {low:.1%}–"
                                f"{high:.1%}); bar {ACCURACY_BAR:.0%}, chance 25%")  # fmt: skip


def check_classes(sol) -> None:
    d, p = splits(), chosen(sol).test
    expect(np.allclose(p.sum(1), 1, atol=1e-6) and (p >= 0).all(), "predict_proba's rows are not probabilities "
                                                                   "(non-negative, summing to 1)")  # fmt: skip
    y = d.test["label_id"].to_numpy()
    recall = {LABELS[k]: float(np.mean(p[y == k].argmax(1) == k)) for k in range(len(LABELS))}
    low = {k: f"{v:.0%}" for k, v in recall.items() if v < CLASS_BAR}
    expect(not low, f"recall per class on the test items: { {k: f'{v:.0%}' for k, v in recall.items()} }; below "
                    f"{CLASS_BAR:.0%}: {low}")  # fmt: skip


PROBES = ["Stocks fall as oil prices hit a record high", "Striker scores twice as United beat Chelsea in the league",
          "Microsoft releases a security update for Windows", "Rebels attack a convoy near the capital, officials say",
          "Shares of the chip maker jumped after strong quarterly earnings beat forecasts", "Rain"]  # fmt: skip


def check_batch_independent(sol) -> None:
    model = chosen(sol).model
    together = probabilities(sol, model, PROBES)
    alone = np.vstack([probabilities(sol, model, [text]) for text in PROBES])
    reverse = probabilities(sol, model, PROBES[::-1])[::-1]
    change = float(max(np.abs(alone - together).max(), np.abs(reverse - together).max()))
    expect(change <= 1e-9, f"a text's probabilities change by up to {change:.3g} with the other texts in the call")


# --- checks: the scraper ------------------------------------------------------------------------------------


SITE_ITEMS, SITE_PAGE_SIZE, CRAWL_DELAY_S = 16, 8, 0.01
CRAWL_TIMEOUT_S = 60.0  # ~30 requests on loopback: a second, plus the learner's own retries and back-off


def site_faults():
    from week16_pipeline.news_site import Faults

    return Faults(broken=1, flaky=1, slow=0, duplicates=2, cp1252=1, mislabelled=1, malformed=1, uncategorised=0,
                  disallowed=2, redirect_loops=1, dead_links=1, crawl_delay_s=CRAWL_DELAY_S)  # fmt: skip


def crawled(sol) -> SimpleNamespace:
    """Serve the grader's site (16 AG News items, every kind of fault but a slow page) and crawl it once."""

    def make():
        import tempfile

        from week16_pipeline.news_site import plan_faults, serve_news_site

        items = news().sample(n=SITE_ITEMS, random_state=GRADER_SEED + 2).reset_index(drop=True)
        log: list = []
        with tempfile.TemporaryDirectory(prefix="week16-grade-") as cache:
            with serve_news_site(items, faults=site_faults(), page_size=SITE_PAGE_SIZE, seed=GRADER_SEED,
                                 log=log) as url:  # fmt: skip
                frame = sol.crawl(url, cache, CRAWL_DELAY_S)
        expect(isinstance(frame, pd.DataFrame) and {"url", "title", "description"} <= set(frame.columns),
               "crawl must return a DataFrame with columns url, title, description, label")  # fmt: skip
        plan = plan_faults(items, site_faults(), page_size=SITE_PAGE_SIZE, seed=GRADER_SEED)
        return SimpleNamespace(items=items, frame=frame, paths=[r.path for r in log], plan=plan)

    return once(sol, "crawled", make)


def _words(text) -> str:
    return " ".join(str(text).split())


def check_robots(sol) -> None:
    from week16_pipeline.news_site import DISALLOWED_PREFIX

    paths = crawled(sol).paths
    expect(paths and paths[0] == "/robots.txt", f"the first request was {paths[:1]}, not /robots.txt")
    forbidden = sorted({p for p in paths if p.startswith(DISALLOWED_PREFIX)})
    expect(not forbidden, f"robots.txt disallows {DISALLOWED_PREFIX}, yet the crawler requested {forbidden}")


def check_articles(sol) -> None:
    c = crawled(sol)
    lost = {i for fault in ("broken", "disallowed", "malformed") for i in c.plan.faulty[fault]}
    expected = {_words(c.items.loc[i, "title"]) for i in range(len(c.items)) if i not in lost}
    allowed = expected | {_words(c.items.loc[i, "title"]) for i in c.plan.faulty["disallowed"]}  # robots' check
    titles = [_words(t) for t in c.frame["title"]]
    twice = sorted({t for t in titles if titles.count(t) > 1})
    expect(not twice, f"{len(twice)} article(s) scraped more than once, e.g. {twice[:1]} (it is also linked as "
                      "/story/<id>, with the same canonical URL)")  # fmt: skip
    missing = sorted(expected - set(titles))
    expect(not missing, f"{len(missing)} of the {len(expected)} readable articles are missing or their titles "
                        f"differ, e.g. {missing[:2]}")  # fmt: skip
    unexpected = sorted(set(titles) - allowed)
    expect(not unexpected, f"rows that are not the site's articles: {unexpected[:3]}")


CHECKS = [
    Check("nothing_dropped", "data contract", check_nothing_dropped,
          "every row ends in exactly one output, with df's index and unchanged values: df.dropna() or "
          "drop_duplicates() lose rows silently; build a mask of failing rows and split on it"),
    Check("faulty_rows_quarantined", "data contract", check_faults_quarantined,
          "check each column's rule (missing, stripped length, label set, url and hash format) on every row; "
          "a blank title is a missing title"),
    Check("every_reason_listed", "data contract", check_every_reason,
          "collect every failing check of a row (pandera: validate(lazy=True)) and join them: a row quarantined "
          "for its first fault only hides the others from whoever fixes the source"),
    Check("duplicates_caught", "data contract", check_duplicates,
          "a duplicate is the same title AND description (keep the first copy); the same headline over another "
          "story is a new article"),
    Check("missing_column_refused", "data contract", check_missing_column,
          "check the required columns first and raise one clear error naming the missing one: without a label "
          "column no row can be judged, so there is nothing to quarantine"),
    Check("choice_on_validation", "model selection", check_choice_on_validation,
          "fit each candidate on train and choose the C with the best VALIDATION accuracy; training accuracy only "
          "grows with C (it reaches 100%), so choosing on it picks the most overfitted model",
          timeout_s=FIT_TIMEOUT_S),
    Check("reads_only_its_arguments", "model selection", check_reads_only_arguments,
          "fit on the train frame you are given: a vectorizer or model fitted on all of AG News loaded from disk "
          "has seen the test rows (leakage)", timeout_s=FIT_TIMEOUT_S),
    Check("accuracy_above_bar", "model", check_accuracy,
          "TF-IDF of word 1–2-grams (sublinear tf) + logistic regression reaches ~81% here; check the text is "
          "'title. description' and the labels are label_id", timeout_s=FIT_TIMEOUT_S),
    Check("every_class_recognised", "model", check_classes,
          "predict_proba's columns must follow label_id (World, Sports, Business, Sci/Tech): fit on label_id, not "
          "on the label strings, whose classes_ sort alphabetically", timeout_s=FIT_TIMEOUT_S),
    Check("batch_independent", "model", check_batch_independent,
          "transform each text with what fit learned (vocabulary, idf): never refit a vectorizer on the texts "
          "being predicted", timeout_s=FIT_TIMEOUT_S),
    Check("robots_txt_honoured", "scraper", check_robots,
          "read /robots.txt first and ask robotparser.can_fetch(user_agent, url) before every request, links from "
          "the site's own pages included: a link is not a permission", timeout_s=CRAWL_TIMEOUT_S),
    Check("every_article_once", "scraper", check_articles,
          "keep an article once per canonical URL (<link rel=\"canonical\">) or content hash; retry a 5xx once or "
          "twice; decode a page in its declared charset and fall back when the bytes are not valid in it",
          timeout_s=CRAWL_TIMEOUT_S),
]  # fmt: skip


# --- metrics -----------------------------------------------------------------------------------------------------


def misjudged_rows(sol) -> float:
    frame, expected = batch()
    clean, quarantined = validated(sol)
    faulty = set(expected)
    wrong = sum(i in clean.index for i in faulty) + sum(i in quarantined.index for i in set(frame.index) - faulty)
    return float(wrong + len(frame.index.difference(clean.index.union(quarantined.index))))


def test_accuracy(sol) -> float:
    return accuracy(chosen(sol).test, splits().test)


class _Prior:
    """Always the training set's class shares: what a model that learnt nothing from the text answers."""

    def __init__(self, shares: np.ndarray):
        self.shares = shares


ACCEPT_ALL = SimpleNamespace(validate=lambda df: (df, df.iloc[:0].assign(reason="")))
PRIOR = SimpleNamespace(
    fit_baseline=lambda train, val, Cs, seed: (
        _Prior(np.bincount(train["label_id"], minlength=len(LABELS)) / len(train)), pd.DataFrame()),
    predict_proba=lambda model, texts: np.tile(model.shares, (len(texts), 1)),
)  # fmt: skip

METRICS = [
    Metric("misjudged_rows", misjudged_rows, "lower", baseline=ACCEPT_ALL, baseline_name="accept every row",
           description="faulty rows passed + good rows quarantined + rows dropped, in the grader's batch of 18 "
                       "scraped-looking articles (8 faulty)"),
    Metric("test_accuracy", test_accuracy, "higher", baseline=PRIOR, baseline_name="class prior (no text)",
           description=f"{N_TEST} held-out AG News items, scored once", timeout_s=FIT_TIMEOUT_S),
]  # fmt: skip

RUBRIC = Rubric.equal(
    "data contract",
    "model selection",
    "model",
    "scraper",
    self_assessment=[
        SelfCheck("Does your scraper keep a per-host rate, retry with backoff, use conditional requests and a cache, "
                  "name itself in its user agent, and count every fault it meets in a report?",
                  "week16_pipeline/SCRAPE_AND_SCALE.md", "scraper"),
        SelfCheck("Is every stage reproducible from one command (DVC), tracked and registered (MLflow alias), and "
                  "the test split scored once with its 95% interval?", "week16_pipeline/README.md#results"),
        SelfCheck("Does your monitoring alert on the source shift and not before (measured), and pull a retraining "
                  "trigger?", "week16_pipeline/README.md#results"),
        SelfCheck("Does your write-up give lessons learned and what a live demo needs?",
                  "week16_pipeline/README.md#write-up"),
        SelfCheck("Does your model card state data provenance and licences, an audit trail and a retirement plan?",
                  "week16_pipeline/MODEL_CARD.md"),
        SelfCheck("Does your ethics section say why a crawler honours a site's rules (consent, capacity) and how "
                  "each prediction stays traceable to its model version?", "week16_pipeline/README.md#ethics"),
    ],
)  # fmt: skip
