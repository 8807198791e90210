#!/usr/bin/env python3
"""Extracts the simulator's response prototypes from the GNS3 2.2.60 transcripts
(gns3-simulator/src/test/resources/gns3-2.2).

Run from the repository root when the transcripts change:
  python3 gns3-simulator/tools/extract_prototypes.py gns3-simulator/src/test/resources/gns3-2.2 \
      > gns3-simulator/src/main/resources/dev/labfleet/simulator/prototypes.json
The simulator copies a prototype and overwrites ids, names, positions and ports, so its bodies have exactly the
fields and value types real GNS3 answers with.
"""
import json
import sys
from pathlib import Path

root = Path(sys.argv[1])
entries = []
for f in sorted(root.glob("*.json")):
    entries += [e for e in json.loads(f.read_text()) if "request" in e]

out = {}


def first(pred, key, pick=lambda e: e["response"]["body"]):
    for e in entries:
        if pred(e):
            out[key] = pick(e)
            return


def req(method, suffix=None, contains=None, status=None):
    def p(e):
        r, s = e["request"], e["response"]
        if r["method"] != method:
            return False
        if suffix is not None and not r["path"].split("?")[0].endswith(suffix):
            return False
        if contains is not None and contains not in r["path"]:
            return False
        return status is None or s["status"] == status
    return p


first(lambda e: req("POST", "/v2/projects", status=201)(e), "project")
for e in entries:
    r, s = e["request"], e["response"]
    if r["method"] == "POST" and s["status"] == 201 and isinstance(s["body"], dict) and "node_type" in s["body"]:
        t = s["body"]["node_type"]
        key = "node." + t + (".template" if s["body"].get("template_id") else "")
        out.setdefault(key, s["body"])
first(req("POST", "/links", status=201), "link")
first(req("POST", "/snapshots", status=201), "snapshot")
first(req("POST", "/drawings", status=201), "drawing")
first(req("GET", "/v2/templates", status=200), "templates")
first(lambda e: req("POST", "/v2/templates", status=201)(e) and e["request"]["body"].get("template_type") == "vpcs",
      "template.vpcs")
first(lambda e: req("POST", "/v2/templates", status=201)(e)
      and e["request"]["body"].get("template_type") == "ethernet_switch", "template.ethernet_switch")
first(req("GET", "/v2/computes", status=200), "computes")
first(req("GET", "/v2/statistics", status=200), "statistics")
first(req("GET", "/v2/gns3vm", status=200), "gns3vm")
first(req("GET", "/v2/gns3vm/engines", status=200), "gns3vm_engines")
first(req("GET", "/v2/iou_license", status=200), "iou_license")
first(req("GET", "/v2/appliances", status=200), "appliances")
first(req("GET", "/v2/symbols", status=200), "symbols")
first(req("GET", "/v2/default_symbols", status=200), "default_symbols")
first(req("GET", "/v2/computes/local/qemu/images", status=200), "qemu_images")
first(req("GET", "/symbols/computer.svg/dimensions", status=200), "symbol_dimensions")
first(lambda e: req("GET", "/available_filters", status=200)(e) and e["response"]["body"], "available_filters")
first(req("GET", "/stats", status=200), "project_stats")
for e in entries:
    r, s = e["request"], e["response"]
    if r["path"].endswith("/files/startup.vpc") and r["method"] == "GET" and s["status"] == 200 \
            and s["body"].startswith("# This the configuration"):
        out["startup_vpc_template"] = s["body"]
        break
json.dump(out, sys.stdout, indent=1, sort_keys=True)
print()
