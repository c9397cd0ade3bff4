"""Data as data: metric definitions, schema descriptions, segment vocabulary, the strategy
playbook, and the demo-data generator."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
