"""The command line: `python -m kesiapan` (`main`), its account commands (`access`) and
live attendance's commands (`attendance`).
"""
