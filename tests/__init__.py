"""iamspec's tests: one package per package of ``src/iamspec/``, imported by package path."""
