"""The QuickBooks Web Connector file (.qwc) the hosted flow hands out."""

from xml.etree import ElementTree


def build(
    *,
    app_name: str,
    app_url: str,
    app_support: str,
    description: str,
    user_name: str,
    owner_id: str,
    file_id: str,
) -> str:
    root = ElementTree.Element("QBWCXML")
    for tag, value in (
        ("AppName", app_name),
        ("AppID", ""),
        ("AppURL", app_url),
        ("AppDescription", description),
        ("AppSupport", app_support),
        ("UserName", user_name),
        ("OwnerID", owner_id),
        ("FileID", file_id),
        ("QBType", "QBFS"),
    ):
        ElementTree.SubElement(root, tag).text = value
    scheduler = ElementTree.SubElement(root, "Scheduler")
    ElementTree.SubElement(scheduler, "RunEveryNMinutes").text = "1"
    ElementTree.SubElement(root, "IsReadOnly").text = "false"
    ElementTree.indent(root)
    return '<?xml version="1.0"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"
