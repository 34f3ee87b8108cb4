"""Tests of :mod:`iamspec.project`: settings, placeholders and the ``iamspec init`` starter."""
