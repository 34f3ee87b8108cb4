"""Layer 4: the AWS-shaped Simulate* API on top of the engine."""
