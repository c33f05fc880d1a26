"""The page in a real headless browser (Playwright driving Debian's chromium): upload a real CIFAR-10 test image,
type a sentence, read both answers from the page, compare them with the JSON API's, and check that the page asked
nothing of the internet. Skipped, with the reason printed, where no Chromium exists."""

from __future__ import annotations

from urllib.parse import urlparse

import httpx
import pytest

from capstones.c3_multimodal_app.screenshots import drive_ui
from shared.browser import INSTALL_HINT, find_browser


@pytest.fixture(scope="module", autouse=True)
def needs_a_browser():
    if find_browser() is None:
        print(f"skipped: no Chromium ({INSTALL_HINT})")
        pytest.skip(f"no Chromium: {INSTALL_HINT}")


def test_the_page_answers_as_the_api_does_and_refuses_a_blank_sentence(live_url, cifar_png, tmp_path):
    sentence = "An utterly charming and moving film."
    answers = drive_ui(live_url, cifar_png, sentence, tmp_path)
    api_top = [p["label"] for p in httpx.post(f"{live_url}/v1/image", files={"file": cifar_png.open("rb")}).json()
               ["predictions"]]  # fmt: skip
    api_text = httpx.post(f"{live_url}/v1/text", json={"text": sentence}).json()
    shown = answers.image_answer.splitlines()
    assert shown[0] == "Top 3 classes" and shown[1] == api_top[0]  # the headline class is the API's top class
    assert [line for line in shown[2:] if not line.endswith("%")] == api_top  # then all three, in order, with a %
    assert answers.text_answer.splitlines()[1] == api_text["label"]
    assert f"{api_text['probability']:.0%}" in answers.text_answer
    for shot in answers.screenshots:
        assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
    hosts = {urlparse(url).hostname for url in answers.requested if url.startswith("http")}
    assert hosts == {"127.0.0.1"}, f"the page reached beyond loopback: {hosts}"
    # a blank sentence: a short message on the page, never a stack trace
    assert "Type a sentence first" in answers.blank_message and "Traceback" not in answers.blank_message
