"""The `tfkg` command line (main.py), a front end over the services."""
