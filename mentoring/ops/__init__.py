"""Operations: health checks, metrics, logs and error reporting (docs/operations.md)."""
