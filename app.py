"""tfkg's web app in a checkout: `streamlit run app.py` (as `tfkg app` does wherever tfkg is installed).
The app itself is webapp/main.py."""

from webapp.main import run

run()
