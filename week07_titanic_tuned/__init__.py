"""Week 7: optimised Titanic predictor (pipelines, grid and random search, nested CV, SHAP)."""
