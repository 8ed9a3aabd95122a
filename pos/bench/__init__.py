"""`pos bench`'s measurements and the load drivers they (and the tests) use: a scripted station
that speaks to the center message by message, and a generator of load fixtures. Beside the
product, never inside it: nothing in engine/, pos/services or screens/ imports this package."""
