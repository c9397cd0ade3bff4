"""Import a shop's own exports (CSV/TSV/TXT/XLSX/Parquet/DuckDB, or a folder of them) into a
workspace dataset the vetted tools can query.

Pipeline: readers (bytes -> raw string tables) -> mapping (which column plays which role) ->
build (typed canonical tables, rejected rows with reasons) -> workspace (atomic DuckDB file).
"""
