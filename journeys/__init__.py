"""The case side of Zugangsatlas: families, members, journeys, steps, services and storage.

Plain Python, no Streamlit: usable from a notebook, the command line or the app.
"""
