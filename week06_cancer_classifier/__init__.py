"""Week 6: breast cancer diagnosis classifier (logistic regression, recall-first threshold, ROC/PR)."""
