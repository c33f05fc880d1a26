"""Week 10: a CIFAR-10 CNN in plain PyTorch that reaches 85%+ in 15 CPU minutes, plus transfer learning."""
