"""Extra code (scaffolding): use the Gradio page as a person would, in headless Chromium, and photograph it.

`drive_ui` opens `/ui`, uploads an image file, clicks "Classify image", types a sentence, clicks "Classify
sentence", reads both answers from the page (the text the browser shows, not Gradio's internals) and saves a
screenshot after each step; last, it submits a blank sentence and reads the message the page shows. The
browser test and `run()` (the README's screenshots) both call it. It also records every URL the page requested,
so the test can check that the page needs nothing from the internet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from shared.browser import find_browser, open_page

TIMEOUT_MS = 180_000  # a loaded 2-core machine can take a while to answer the first click


@dataclass
class UiAnswers:
    image_answer: str  # the text of the "Top 3 classes" box
    text_answer: str  # the text of the "Sentiment" box
    screenshots: list[Path]
    blank_message: str  # the message shown after submitting a blank sentence
    requested: list[str] = field(default_factory=list)  # every URL the page asked for


def browser_available() -> bool:
    return find_browser() is not None


def _answer(page, elem_id: str) -> str:
    """Wait until the answer box shows a probability (a % sign), then return its text."""
    box = page.locator(f"#{elem_id}")
    box.filter(has_text="%").wait_for(timeout=TIMEOUT_MS)
    return box.inner_text()


def drive_ui(base_url: str, image: Path, sentence: str, out_dir: Path, *, prefix: str = "ui") -> UiAnswers:
    """Upload `image`, type `sentence`, read both answers; screenshots `<prefix>_image.png`, `<prefix>_both.png`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shots = [out_dir / f"{prefix}_image.png", out_dir / f"{prefix}_both.png"]
    with open_page(width=1280, height=900) as page:
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(base_url.rstrip("/") + "/ui/", wait_until="networkidle")
        page.locator("#image-in input[type=file]").set_input_files(str(image))
        page.locator("#image-in img").first.wait_for()  # the preview: the upload reached the server
        page.locator("#image-button").click()
        image_answer = _answer(page, "image-answer")
        page.screenshot(path=str(shots[0]), full_page=True)
        page.locator("#text-in textarea").fill(sentence)
        page.locator("#text-button").click()
        text_answer = _answer(page, "text-answer")
        page.screenshot(path=str(shots[1]), full_page=True)
        page.locator("#text-in textarea").fill("   ")  # then a blank sentence: the message Gradio shows for it
        page.locator("#text-button").click()
        toast = page.locator(".toast-body").first
        toast.wait_for()
        blank_message = toast.inner_text()
    return UiAnswers(image_answer, text_answer, shots, blank_message, requested)
