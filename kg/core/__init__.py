"""The core of tfkg, below every other layer: records (model), vocabularies, settings, errors, the build
store, output paths, and the rules of a list's tables, links and headings that the reader and the reports
share."""
