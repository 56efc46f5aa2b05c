"""A real local Leap node for tests, the demo and ``sessionkit devnet``."""
