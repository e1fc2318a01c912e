"""tfkg's web app: `tfkg app`, or `streamlit run app.py` in a checkout.

Search, Paper, Explore, Curate and Export pages (webapp/pages/) over the build in the build folder
(setting `build`, env TFKG_BUILD), which `tfkg ingest` makes (the app only reads; with no build it says
which command to run). Heavy things load once per server process (webapp/resources.py) and are shared
by every session.
"""

import streamlit as st

from kg.core.errors import UserError
from webapp import nav, resources
from webapp.render import show_user_error


def run() -> None:
    """One run of the app's script: the page chosen in the menu, over the current build."""
    st.set_page_config(page_title="tfkg: talking-face paper graph", layout="wide")
    page = st.navigation(nav.pages())
    try:
        resources.check_build()
        page.run()
    except UserError as error:
        show_user_error(error)


if __name__ == "__main__":  # Streamlit runs its main script as __main__
    run()
