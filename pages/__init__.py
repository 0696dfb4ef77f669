"""The Streamlit pages. Thin: read state, call the domain, draw."""
