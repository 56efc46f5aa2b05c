"""The pytest plugin SessionKit registers (entry point ``pytest11``): fixtures for app tests.

Importing this module must stay cheap: pytest loads it in every run of every project that has
SessionKit installed.
"""
