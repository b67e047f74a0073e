"""The only Streamlit code outside app.py and pages/: what pages share (`shared`), the
filters and the drill state in the URL, the sign-in screen, the import screen, the live
attendance widgets and `serve` (the server as `make run` starts it).
"""
