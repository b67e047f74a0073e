"""The importer: office files read as text, recognised as contract tables, checked and
previewed, then committed as a new dataset version. No Streamlit (the import screen is
kesiapan.ui.import_screen).
"""
