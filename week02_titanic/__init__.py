"""Week 2: Titanic survival data analysis (cleaning rules in `cleaning`, analysis in `titanic_analysis`)."""
