"""The cashier desk (pos.services.desk.CashierDesk) and the one set of views it hands out
(pos.services.views). Screens and commands call the desk; the desk calls the center through
messages (pos.services.link) and the hospital's books through pos.store.

Nothing is imported here: a screen that needs only the views must not load the desk (and with it
SQLAlchemy) at start-up.
"""
