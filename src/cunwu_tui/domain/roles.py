"""Staff roles (岗位/职务) known to the app. A person may hold several."""

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


def join_roles(roles) -> str:
    return ROLE_SEPARATOR.join(r for r in roles if r)


def split_roles(text: str) -> tuple[str, ...]:
    return tuple(r for r in (text or "").split(ROLE_SEPARATOR) if r)
