"""Tests of :mod:`iamspec.moto`: moto answers Simulate* through iamspec, in process and served."""
