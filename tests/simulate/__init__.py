"""Tests of :mod:`iamspec.simulate`: the AWS-shaped Simulate* and GetContextKeys* calls."""
