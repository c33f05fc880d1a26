"""Correct pieces the wrong solutions share, so each fixture differs from a right answer in one place only.

A plain-pandas data contract (the lesson's uses pandera) and the TF-IDF + logistic-regression baseline.
"""

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

LABELS = ("World", "Sports", "Business", "Sci/Tech")
REQUIRED = ("title", "description", "label")


def length_between(column, low, high):
    return column.map(lambda text: isinstance(text, str) and low <= len(text.strip()) <= high)


def failures(df):
    """{row label: [reason, ...]} for every row (an empty list: the row meets the contract)."""
    reasons = {index: [] for index in df.index}

    def flag(mask, reason):
        for index in df.index[mask.to_numpy()]:
            reasons[index].append(reason)

    for column in REQUIRED:
        flag(df[column].isna(), f"{column}: missing")
    flag(df["title"].notna() & ~length_between(df["title"], 3, 300), "title: length")
    flag(df["description"].notna() & ~length_between(df["description"], 20, 5000), "description: length")
    flag(df["label"].notna() & ~df["label"].isin(LABELS), "label: not a class")
    if "url" in df:
        flag(df["url"].notna() & ~df["url"].astype(str).str.match(r"^https?://[^\s/]+/\S*$"), "url: format")
    if "content_sha256" in df:
        flag(
            df["content_sha256"].notna() & ~df["content_sha256"].astype(str).str.fullmatch(r"[0-9a-f]{64}"),
            "content_sha256: not hex",
        )
    flag(df.duplicated(["title", "description"], keep="first"), "title+description: duplicate")
    return reasons


def split_rows(df, reasons):
    bad = [index for index in df.index if reasons[index]]
    quarantined = df.loc[bad].assign(reason=["; ".join(reasons[index]) for index in bad])
    return df.drop(index=bad), quarantined


def validate(df):
    missing = [column for column in REQUIRED if column not in df.columns]
    if missing:
        raise ValueError(f"the articles lack column(s) {missing}")
    return split_rows(df, failures(df))


def texts_of(frame):
    return (frame["title"].str.strip() + ". " + frame["description"].str.strip()).tolist()


def make_model(C, seed):
    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(C=C, max_iter=2000, random_state=seed),
    )


def accuracy(model, frame):
    return float(np.mean(model.predict(texts_of(frame)) == frame["label_id"].to_numpy()))


def fit_baseline(train, val, Cs, seed):
    rows, best = [], None
    for C in Cs:
        model = make_model(C, seed).fit(texts_of(train), train["label_id"])
        rows.append({"C": C, "val_accuracy": accuracy(model, val)})
        if best is None or rows[-1]["val_accuracy"] > best[0]:
            best = (rows[-1]["val_accuracy"], model)
    return best[1], pd.DataFrame(rows)


def predict_proba(model, texts):
    return model.predict_proba(list(texts))


# --- a small polite crawler (the lesson's is week16_pipeline/scraper.py) ---------------------------------------------

USER_AGENT = "a-learner-crawler/0.1 (learner@example.com)"


def robots_for(client, base_url):
    from urllib.robotparser import RobotFileParser

    robots = RobotFileParser()
    response = client.get(base_url + "/robots.txt")
    if response.status_code == 200:
        robots.parse(response.text.splitlines())
    else:
        robots.allow_all = response.status_code < 500
        robots.disallow_all = response.status_code >= 500
    return robots


def fetch(client, url, delay_s, attempts=3):
    """The page's response, retried after a 5xx; None when it never answers 200."""
    import time

    import httpx

    for _ in range(attempts):
        time.sleep(delay_s)
        try:
            response = client.get(url)
        except httpx.HTTPError:  # a timeout, or a redirect loop (TooManyRedirects)
            return None
        if response.status_code < 500:
            return response if response.status_code == 200 else None
    return None


def decode(response):
    try:
        return response.content.decode(response.encoding or "utf-8")
    except UnicodeDecodeError:  # declared UTF-8, but it is not
        return response.content.decode("cp1252")


def crawl(base_url, cache_dir, delay_s, obey_robots=True, keep_duplicates=False):
    from collections import deque
    from urllib.parse import urldefrag, urljoin, urlsplit

    import httpx
    from bs4 import BeautifulSoup

    rows, kept = [], set()
    queue, queued = deque([base_url + "/"]), {base_url + "/"}
    headers = {"User-Agent": USER_AGENT}
    with httpx.Client(headers=headers, timeout=5.0, follow_redirects=True, max_redirects=5) as client:
        robots = robots_for(client, base_url)
        while queue:
            url = queue.popleft()
            if obey_robots and not robots.can_fetch(USER_AGENT, url):
                continue
            response = fetch(client, url, delay_s)
            if response is None:
                continue
            soup = BeautifulSoup(decode(response), "html.parser")
            for anchor in soup.find_all("a", href=True):
                link = urldefrag(urljoin(str(response.url), anchor["href"])).url
                if urlsplit(link).netloc == urlsplit(base_url).netloc and link not in queued:
                    queued.add(link)
                    queue.append(link)
            title, description = soup.select_one("article h1"), soup.select_one("article .description")
            if title is None or description is None:
                continue
            canonical = soup.find("link", rel="canonical")
            key = canonical["href"] if canonical else str(response.url)
            if key in kept and not keep_duplicates:
                continue
            kept.add(key)
            category = soup.select_one("article .category")
            rows.append(
                {
                    "url": key,
                    "title": title.get_text(" ", strip=True),
                    "description": description.get_text(" ", strip=True),
                    "label": category.get_text(" ", strip=True) if category else None,
                }
            )
    return pd.DataFrame(rows, columns=["url", "title", "description", "label"])
