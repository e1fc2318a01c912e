"""tfkg's web app: `streamlit run app.py`.

Search, Paper, Explore, Curate and Export pages (webapp/pages/) over the build in the build folder
(setting `build`, env TFKG_BUILD), which `tfkg ingest` makes (the app only reads; with no build it says
which command to run). Heavy things load once per server process
(webapp/resources.py) and are shared by every session.
"""

import streamlit as st

from kg.errors import UserError
from webapp import nav, resources
from webapp.render import show_user_error

st.set_page_config(page_title="tfkg: talking-face paper graph", layout="wide")
page = st.navigation(nav.pages())
try:
    resources.check_build()
    page.run()
except UserError as error:
    show_user_error(error)
