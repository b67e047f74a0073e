"""Access: accounts and roles, the audit log, what a viewer may see of personal data, and
owner-only files for it. No Streamlit (the sign-in screen is kesiapan.ui.signin).
"""
