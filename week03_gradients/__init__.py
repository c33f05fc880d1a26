"""Week 3: gradient calculator for f(x, y) = x² + 2y² (analytic, finite differences, gradient descent)."""
