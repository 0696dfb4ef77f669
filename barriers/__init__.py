"""The barrier side of Zugangsatlas: the taxonomy and everything computed across journeys.

Plain Python, no Streamlit: usable from a notebook, the command line or the app.
"""
