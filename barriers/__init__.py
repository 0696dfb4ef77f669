"""The barrier side of Zugangsatlas: everything computed across journeys.

Its rooms: ``analysis`` (the filter, its facts and every figure across families, the
first view, the provenance of exports), ``graphs`` (referral network and flow as DOT),
``disclosure`` (statistical disclosure control for committee outputs), ``report`` (the
committee report and its ``formats``), and ``perspective`` (the guiding questions of the
perspective change, ranked for a step). It reads the case side (``journeys``), never the
pages. Plain Python, no Streamlit: usable from a notebook, the command line or the app.
"""
