"""tfkg's package data: the vocabularies, SHACL shapes and the bundled list (installed as `tfkg_data`)."""
