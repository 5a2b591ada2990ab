"""The QuickBooks Web Connector file (.qwc) the hosted flow hands out."""

from xml.etree import ElementTree


def build(*, app_name, app_url, app_support, description, user_name, owner_id, file_id):
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
