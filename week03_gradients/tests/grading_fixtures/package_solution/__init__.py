"""A correct solution as a package: the contract functions live in its modules, not in __init__."""
