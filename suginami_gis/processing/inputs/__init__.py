"""Parameter groups with their readers, and the writers shared by several algorithms, one module per domain:
blockage, buildings, catchments, districts, evacuation, fire, ground, network, publish, shelters, wifi and
wifi_outputs; common.py builds parameters from short rows (number, share, choice, field, text)."""
