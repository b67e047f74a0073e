"""Attendance taken live at the Bimtek venue (issue 16).

`journal`: the append-only journal of marks (SQLite in the data folder, or PostgreSQL).
`overlay`: the journal's current marks made visible to the DuckDB store, so every figure
counts them like `bimtek_hadir` rows. `cards`: participant cards with an opaque QR code.
`checkin`: what the Presensi page does (find a member, mark, undo), with the scope rule.
`page`: the Presensi page's widgets, the package's only Streamlit module. `cli`, `loadcheck`,
`bench`, `pgserver`: the `presensi` command, the load check, the cost of a mark, and the
throwaway PostgreSQL server of the tests.
"""
