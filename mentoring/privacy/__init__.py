"""The privacy engine: a person's export and erasure, text retention, and the export and
deletion of a whole organization."""
