"""The Streamlit pages. Thin: read state, call the domain, draw.

The files here are the pages ``app.py`` names; their parts live in sub-packages:
``web/`` (the HTTP layer), ``session/`` (who is signed in, the access check), ``shared/``
(widgets of several pages) and one ``<page>_parts/`` per page.
"""
