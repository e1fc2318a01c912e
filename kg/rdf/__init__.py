"""The graph as RDF in standard vocabularies (mapping.py), its exports, SHACL checks and SPARQL."""
