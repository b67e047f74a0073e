"""Outputs: tables as Excel and CSV, the PPK action packs, the briefing PDF, the report
table and the chart builders. Never imports the UI.
"""
