"""moto plug-in: moto's IAM answers the simulator API through iamspec's engine.

After :func:`enable`, ``SimulateCustomPolicy``, ``SimulatePrincipalPolicy``,
``GetContextKeysForCustomPolicy`` and ``GetContextKeysForPrincipalPolicy`` work in
``mock_aws()`` and in moto's server (moto itself raises NotImplementedError for them), so
code written for AWS's simulator runs in CI unchanged. ``python -m iamspec.moto --port N``
starts a moto server with the plug-in enabled. Needs the ``moto`` extra (moto >= 5.1.2).
"""

from __future__ import annotations

from iamspec.moto.reader import MotoPolicyReader
from iamspec.moto.responses import disable, enable, is_enabled

__all__ = ["MotoPolicyReader", "disable", "enable", "is_enabled"]
