"""The store: a dataset folder read into DuckDB (loading, typing, precomputation), the
contract checks, stored partitions, versions, and the live attendance journal with its
overlay. No Streamlit; never imports the importer, outputs or the UI.
"""
