"""Capstone 2: Spaceship Titanic entry (feature engineering, group-aware CV, boosting, Kaggle submission)."""
