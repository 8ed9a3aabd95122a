"""The embedded insurance center and settlement math. Headless: never imports textual, screens or pos."""
