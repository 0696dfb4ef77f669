"""Panels of the administrators' pages: teams (Benutzer) and safety copies (Sicherung,
Datenschutz)."""
