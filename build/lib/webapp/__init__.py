"""The Streamlit app's code: `app.py` (at the top level) picks a page from `webapp/pages/`, and the pages
call the helpers here: `resources` (what is loaded once per server process), `state` (the search in the
URL query string), `render` (escaped text, safe links, result cards), `neighbourhood` (a node's graph
neighbourhood for the graph view) and `figures` (the Explore page's tables).
"""
