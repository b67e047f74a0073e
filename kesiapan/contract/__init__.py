"""The contract: the six tables and their columns, the one area-scope rule, the Indonesian
words and number forms, the one colour legend, SQL composed from the contract's names,
and the problems a check reports. Imports nothing else of kesiapan but `kesiapan.paths`.
"""
