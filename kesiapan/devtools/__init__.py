"""Development tools, apart from the product: the sample generator, the benchmarks, the
load checks over Streamlit's protocol, and a throwaway PostgreSQL server for tests.
"""
