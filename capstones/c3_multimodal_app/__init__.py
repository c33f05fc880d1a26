"""Capstone 3: the week 10 image model and the week 12 sentiment model behind one FastAPI app with a Gradio UI."""
