"""The Gradio page: upload an image or type a sentence, see the answer, never a stack trace.

The page calls the same `classify_image` / `classify_text` as the JSON API. A bad input (not an image, too large,
an empty sentence) becomes a `gr.Error`, which Gradio shows as a short message box; anything unexpected is
logged on the server and shown as one generic line. The page names the models it serves (full or fast run,
their measured accuracy, their versions), so a demo never passes a fast model off as the published one.
"""

from __future__ import annotations

import logging
from pathlib import Path

import gradio as gr

from capstones.c3_multimodal_app.inference import AppModels, classify_image, classify_text
from shared.errors import DataError

log = logging.getLogger("c3.ui")


def models_note(sources: dict, info: dict) -> str:
    """Markdown: which models answer, how good their own runs measured them, and their versions."""
    lines = ["**Models served**", ""]
    for role, what in (("image", "CIFAR-10 image classifier"), ("text", "SST-2 sentiment classifier")):
        lines.append(f"- {what}: {sources[role].describe()}, version `{info[role]['version']}`")
    return "\n".join(lines)


def build_ui(models: AppModels, sources: dict, info: dict, *, max_upload_bytes: int) -> gr.Blocks:
    def on_image(path: str | None) -> dict[str, float]:
        if not path:
            raise gr.Error("Upload an image first (PNG or JPEG).")
        try:
            return dict(classify_image(models, Path(path).read_bytes(), max_bytes=max_upload_bytes))
        except DataError as exc:
            raise gr.Error(str(exc)) from None
        except Exception:
            log.exception("image classification failed")
            raise gr.Error("Something went wrong on the server; the error was logged.") from None

    def on_text(text: str | None) -> dict[str, float]:
        try:
            label, probability = classify_text(models, text or "")
        except DataError as exc:
            raise gr.Error(str(exc).replace("text 1 is empty", "Type a sentence first")) from None
        except Exception:
            log.exception("text classification failed")
            raise gr.Error("Something went wrong on the server; the error was logged.") from None
        other = next(name for name in models.text.labels if name != label)
        return {label: probability, other: 1 - probability}

    with gr.Blocks(title="Capstone 3: image and sentiment", analytics_enabled=False) as blocks:
        gr.Markdown("# What is in this picture? How does this sentence feel?")
        gr.Markdown(models_note(sources, info))
        with gr.Row():
            with gr.Column():
                gr.Markdown("### Image → one of the ten CIFAR-10 classes")
                image = gr.Image(type="filepath", sources=["upload"], label="Image (PNG or JPEG)", elem_id="image-in",
                                 height=240)  # fmt: skip
                image_button = gr.Button("Classify image", variant="primary", elem_id="image-button")
                image_answer = gr.Label(num_top_classes=3, label="Top 3 classes", elem_id="image-answer")
            with gr.Column():
                gr.Markdown("### Sentence → positive or negative (SST-2 movie reviews)")
                text = gr.Textbox(label="Sentence", placeholder="A gripping, funny film.", lines=3, elem_id="text-in")
                text_button = gr.Button("Classify sentence", variant="primary", elem_id="text-button")
                text_answer = gr.Label(num_top_classes=2, label="Sentiment", elem_id="text-answer")
        gr.Markdown(
            "The image model only knows 32×32 photos of ten classes (airplane … truck): anything else still gets "
            "one of those ten names. The sentiment model was trained on movie-review phrases and misses sarcasm. "
            "JSON API: `POST /v1/image`, `POST /v1/text` (docs at `/docs`)."
        )
        image_button.click(on_image, inputs=image, outputs=image_answer, api_visibility="private")
        text_button.click(on_text, inputs=text, outputs=text_answer, api_visibility="private")
        text.submit(on_text, inputs=text, outputs=text_answer, api_visibility="private")
    return blocks
