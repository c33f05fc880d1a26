"""Capstone 1: end-to-end data analysis report on the SIIM-ISIC 2020 melanoma metadata."""
