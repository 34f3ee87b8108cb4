"""Tests of :mod:`iamspec.livingdoc`: the site built from records, its pages, its plugin."""
