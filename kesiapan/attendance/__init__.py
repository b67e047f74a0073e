"""Live attendance at the Bimtek venue (issue 16): `checkin` (who may mark, whom, and the
roll) and `cards` (QR cards). The journal and its overlay are part of the store
(kesiapan.store.journal, kesiapan.store.overlay); the page widgets are kesiapan.ui.attendance,
the commands kesiapan.cli.attendance, the load check and bench kesiapan.devtools.
"""
