"""Leistungsmessung der Auswertung mit 1.000 und 10.000 synthetischen Familien (`make bench`)."""
