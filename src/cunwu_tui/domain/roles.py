"""Staff roles (岗位/职务) known to the app. A person may hold several."""

from typing import Iterable

ROLES: tuple[str, ...] = (
    "书记",
    "副书记",
    "主任",
    "副主任",
    "委员",
    "文书",
    "会计",
    "报账员",
    "监委会主任",
    "监委会委员",
    "集体经济组织负责人",
    "网格员",
    "值班员",
    "带班领导",
    "值班领导",
)

ROLE_SEPARATOR = "、"

# Who may approve as a leader: a refusal beyond the clerk's authority, a 延期,
# the sign-off of a long holiday's rota.
LEADER_ROLES = frozenset({"书记", "副书记", "主任", "副主任", "带班领导", "值班领导"})

_NO_SPACE = str.maketrans("", "", " \t\u3000\u00a0\u200b")


def name_key(name: str) -> str:
    """A person's name as compared: width folded, spaces and the outsider
    mark dropped, so "王 某", "王　某" and "王某（村外）" are one person."""
    import unicodedata

    key = unicodedata.normalize("NFKC", name or "").translate(_NO_SPACE)
    return key.removesuffix("(村外)")


def join_roles(roles: Iterable[str]) -> str:
    return ROLE_SEPARATOR.join(r for r in roles if r)


def split_roles(text: str) -> tuple[str, ...]:
    return tuple(r for r in (text or "").split(ROLE_SEPARATOR) if r)
