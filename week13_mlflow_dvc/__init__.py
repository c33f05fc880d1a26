"""Week 13: experiment tracking (MLflow) and data and pipeline versioning (DVC) on wine quality."""
