"""Capstone 2: Spaceship Titanic competition entry (feature engineering, tuned RF/XGBoost, Kaggle submission)."""
