"""The demo organisation and demo cases; every demo person signs in with DEMO_PASSWORD."""

DEMO_PASSWORD = "demo1234"
