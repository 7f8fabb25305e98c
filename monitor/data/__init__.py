"""Data files shipped inside the package (default config, pair catalogue)."""
