"""Week 16: the end-to-end news classifier: scrape, validate, train, deploy, monitor; heavy steps on Dask."""
