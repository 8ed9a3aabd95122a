"""The hospital point of sale: cashier sessions, visits, tenders, receipts, CLI and the Textual App."""
