"""Shared settings for the NLU tests."""
import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: trains a real Rasa NLU model (about a minute)")
