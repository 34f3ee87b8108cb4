"""The CI and the nightly workflow: what they run is what the project defines."""
