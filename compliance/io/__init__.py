"""Shipment files in, result files out (contract sections 1 and 2).

``open_input`` streams CSV/JSONL/JSON/XLSX/Parquet as ``RawRow`` chunks; ``ResultWriter``
writes csv/jsonl/json/xlsx/parquet atomically; ``result_record`` is one contract output row.
"""

from compliance.io.readers import (
    FORMATS,
    HEADER_ALIASES,
    InputTable,
    RawRow,
    detect_encoding,
    map_headers,
    open_input,
    parse_mapping,
    sniff_delimiter,
)
from compliance.io.writers import OUTPUT_COLUMNS, OUTPUT_FORMATS, ResultWriter, format_for, neutralise, result_record

__all__ = ["FORMATS", "HEADER_ALIASES", "OUTPUT_COLUMNS", "OUTPUT_FORMATS", "InputTable", "RawRow", "ResultWriter",
           "detect_encoding", "format_for", "map_headers", "neutralise", "open_input", "parse_mapping", "result_record",
           "sniff_delimiter"]
