"""Input parameter groups and readers (and the writers shared by several algorithms), one module per domain:
buildings, districts, fire, ground, network, shelters, wifi; common.py declares numbers as table rows."""
