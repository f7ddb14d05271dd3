"""The batch side: portfolio input, the per-loan kernel, DuckDB and Spark runners, reports, synthetic data.

This package may import DuckDB, PyArrow, Numba and PySpark; ``ledger/`` and ``rules/`` never import it.
"""
