"""Week 15: monitoring a model in production: JSON logs, Prometheus metrics, drift, alerts, retraining and CI."""
