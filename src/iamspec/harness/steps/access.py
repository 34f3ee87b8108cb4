"""Then-steps over access levels: a principal is denied every action of whole services' levels.

Vocabulary::

    Then "P" is denied every action of the services "iam, sts" at the access levels
         "Write, Permissions management, Tagging"
    (also: implicitly denied / explicitly denied; the service "S"; the access level "L")
"""

from __future__ import annotations

from pytest_bdd import parsers, then

from iamspec.harness import access_levels
from iamspec.harness.world import World


@then(
    parsers.re(
        r'"(?P<principal>[^"]+)" is (?P<decision>denied|implicitly denied|explicitly denied) '
        r'every action of the services? "(?P<services>[^"]+)" '
        r'at the access levels? "(?P<levels>[^"]+)"'
    )
)
def denied_at_access_levels(
    world: World, principal: str, decision: str, services: str, levels: str
) -> None:
    access_levels.expect_denied_at_access_levels(world, principal, services, levels, decision)
