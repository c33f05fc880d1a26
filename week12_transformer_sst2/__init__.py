"""Week 12: fine-tune a small transformer (MiniLM / DistilBERT) on SST-2, with baselines, attention and a model card."""
