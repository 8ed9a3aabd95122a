"""Training mode: scenarios, isolated training databases, the training desk, scoring."""
