"""The HTTP API of tfkg (`tfkg serve`): JSON search and papers, a SPARQL 1.1 Protocol endpoint, and the
export's IRIs resolved as linked data. A front end beside kg/cli and webapp, over the same services."""
