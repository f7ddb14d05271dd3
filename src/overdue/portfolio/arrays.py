"""Small Arrow helpers shared by the loader and the kernel's preparation."""

from __future__ import annotations

import pyarrow as pa

__all__ = ["one_chunk"]


def one_chunk(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    """``col`` as one array: an array, or a column's only chunk, as it is (``combine_chunks``
    copies even that); several chunks are concatenated."""
    if not isinstance(col, pa.ChunkedArray):
        return col
    if col.num_chunks == 1:
        return col.chunk(0)
    return col.combine_chunks() if col.num_chunks else pa.nulls(0, col.type)
