"""Widgets and plumbing several pages share: cached reference data, German errors, pickers,
charts' text alternatives and the accessibility style. Builds on session/ and web/."""
