"""The one list of weeks: `roadmap`, CI and the top-level tests all discover weeks from here.

Each week's entry module exposes `run(out_dir, fast, seed) -> dict` and `TARGETS`; optionally
`report(metrics) -> str` (markdown for the README) and `HEADLINE` (the metric for the results table).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from shared.errors import RoadmapError
from shared.paths import REPO_ROOT


@dataclass(frozen=True)
class Week:
    key: str  # short name used on the command line: week01, c1
    package: str  # importable package: week01_expense_tracker, capstones.c1_melanoma_eda
    entry: str  # module (inside the package) with run() and TARGETS
    title: str
    datasets: tuple[str, ...] = ()

    @property
    def folder(self) -> Path:
        return REPO_ROOT.joinpath(*self.package.split("."))

    @property
    def slug(self) -> str:
        """Folder name, used for outputs/<slug>/."""
        return self.package.split(".")[-1]

    def module(self) -> ModuleType:
        return importlib.import_module(f"{self.package}.{self.entry}")


WEEKS: list[Week] = [
    Week("week01", "week01_expense_tracker", "expense_tracker", "Personal expense tracker CLI"),
    Week("week02", "week02_titanic", "titanic_analysis", "Titanic survival data analysis", ("titanic",)),
    Week("week03", "week03_gradients", "gradient_calc", "Gradient calculator for x² + 2y²"),
    Week("week04", "week04_wine_eda", "eda_wine", "Wine quality EDA", ("wine_red", "wine_white")),
    Week("week05", "week05_house_prices", "house_price_model", "House price prediction", ("california_housing",)),
    Week("week06", "week06_cancer_classifier", "cancer_classifier", "Breast cancer diagnosis classifier"),
    Week("week07", "week07_titanic_tuned", "titanic_tuned", "Optimised Titanic predictor", ("titanic",)),
    Week("week08", "week08_mall_clustering", "clustering", "Mall customer segmentation", ("mall_customers",)),
    Week("week09", "week09_nn_cubic", "nn_cubic", "Neural network for f(x) = x³"),
    Week("week10", "week10_cnn_cifar", "cnn_cifar", "CIFAR-10 image classifier", ("cifar10_jpeg",)),
    Week("week11", "week11_lstm_imdb", "lstm_sentiment", "IMDB sentiment with an LSTM", ("imdb_train", "imdb_test")),
    Week("week12", "week12_transformer_sst2", "bert_sentiment", "Transformer fine-tuning on SST-2",
         ("sst2_train", "sst2_dev")),
    Week("week13", "week13_mlflow_dvc", "wine_mlops", "Experiment tracking and data versioning (wine quality)",
         ("wine_red", "wine_white")),
    Week("week14", "week14_fastapi_docker", "benchmark", "Sentiment API: FastAPI, load-tested, containerised",
         ("sst2_dev",)),
    Week("week15", "week15_monitoring_ci", "monitoring", "Monitoring: logs, drift, alerts and CI",
         ("wine_red", "wine_white", "sst2_train", "sst2_dev", "imdb_test")),
    Week("week16", "week16_pipeline", "pipeline", "End-to-end news classifier pipeline",
         ("ag_news_test", "ag_news_classes", "bbc_news")),
    Week("c1", "capstones.c1_melanoma_eda", "melanoma_report", "Capstone 1: melanoma metadata report",
         ("melanoma_metadata",)),
    Week("c2", "capstones.c2_spaceship_titanic", "spaceship", "Capstone 2: Spaceship Titanic entry",
         ("spaceship_titanic",)),
    Week("c3", "capstones.c3_multimodal_app", "multimodal_app", "Capstone 3: multimodal AI app",
         ("cifar10_jpeg", "sst2_dev")),
    Week("c4", "capstones.c4_interview", "interview", "Capstone 4: interview readiness", ("wine_white",)),
]  # fmt: skip


def find_week(name: str) -> Week:
    """Accept `week01`, `week01_expense_tracker`, `c1` or `c1_melanoma_eda`."""
    for week in WEEKS:
        if name in (week.key, week.package, week.slug):
            return week
    known = ", ".join(w.key for w in WEEKS)
    raise RoadmapError(f"unknown week {name!r}; choose one of: {known}")
