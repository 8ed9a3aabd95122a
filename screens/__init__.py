"""Textual screens, modals and widgets. They call pos services, never SQL."""
