"""Week 4: exploratory data analysis of the UCI Wine Quality data (red and white)."""
