"""Week 9: an MLP learns f(x) = x³ in plain PyTorch."""
