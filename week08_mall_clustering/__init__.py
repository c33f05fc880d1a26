"""Week 8: mall customer segmentation (K-Means with elbow and silhouette, PCA, DBSCAN, plain-word profiles)."""
