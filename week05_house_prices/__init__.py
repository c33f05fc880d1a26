"""Week 5: house price prediction on California housing (regression, CV, feature importance, error audit)."""
