"""The live path over HTTP: a moto server subprocess behind a counting, faulting proxy."""
