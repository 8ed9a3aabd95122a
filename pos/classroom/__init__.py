"""The classroom: `pos serve` (the training app in browsers, one training database per browser
session) and `pos cards` (printable demo cards of the fixture people, for a real scanner)."""
