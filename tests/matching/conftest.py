"""Engine tests: pure Python, run with ``pytest tests/matching -p no:django``."""
