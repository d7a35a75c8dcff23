"""Eggbasket's engine: ingest income files into DuckDB and measure revenue concentration.

Pure Python + DuckDB; never imports streamlit. ``python -m analytics`` is its command line.
"""
