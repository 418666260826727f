"""Input parameter groups and readers, one module per domain (network, shelters, wifi)."""
