"""Gateway batch benchmark (run by scripts/bench-gateway.sh with MODE=batch): the 2,500 creates of the apply
benchmark's lab (100 32-port switches, 900 VPCS, 1,500 links) as one POST /api/v1/servers/{id}/batch on a new
project each round; prints the wall time and the gateway's and simulator's CPU (from /proc) per round, then the
medians of the last two thirds (the first third warms the JIT up)."""
import json
import os
import statistics
import sys
import time
import urllib.request
import uuid

SIM, GATEWAY, SERVER, GATEWAY_PID, SIM_PID = sys.argv[1:6]
ROUNDS = int(os.environ.get("ROUNDS", "30"))


def call(method, url, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.read()


def cpu_ms(pid):
    stat = open(f"/proc/{pid}/stat").read()
    fields = stat[stat.rindex(")") + 2:].split(" ")
    return (int(fields[11]) + int(fields[12])) * 1000 // os.sysconf("SC_CLK_TCK")


def operations(project):
    ops, ids = [], {}

    def add(method, path, body):
        ops.append({"id": str(len(ops)), "method": method, "path": f"/projects/{project}{path}", "body": body})

    ports = [{"name": f"Ethernet{p}", "port_number": p, "type": "access", "vlan": 1} for p in range(32)]
    for s in range(100):
        ids[f"sw{s}"] = str(uuid.uuid4())
        add("POST", "/nodes", {"node_id": ids[f"sw{s}"], "name": f"sw{s}", "node_type": "ethernet_switch",
                               "compute_id": "local", "x": s * 100, "y": 0, "properties": {"ports_mapping": ports}})
    for h in range(900):
        ids[f"pc{h}"] = str(uuid.uuid4())
        add("POST", "/nodes", {"node_id": ids[f"pc{h}"], "name": f"pc{h}", "node_type": "vpcs",
                               "compute_id": "local", "x": (h // 9) * 100, "y": 200 + (h % 9) * 60})

    def link(a, port_a, b, port_b):
        add("POST", "/links", {"link_id": str(uuid.uuid4()), "nodes": [
            {"node_id": a, "adapter_number": 0, "port_number": port_a},
            {"node_id": b, "adapter_number": 0, "port_number": port_b}]})

    for h in range(900):
        link(ids[f"pc{h}"], 0, ids[f"sw{h // 9}"], h % 9)
    for s in range(100):
        for k in range(1, 7):
            link(ids[f"sw{s}"], 8 + k, ids[f"sw{(s + k) % 100}"], 14 + k)
    return ops


figures = []
for round_ in range(ROUNDS):
    project = json.loads(call("POST", SIM + "/v2/projects", {"name": f"batch-{uuid.uuid4()}"}))["project_id"]
    batch = {"operations": operations(project), "concurrency": 16, "fields": ["node_id", "link_id", "name"]}
    gateway_before, sim_before, start = cpu_ms(GATEWAY_PID), cpu_ms(SIM_PID), time.monotonic()
    answer = json.loads(call("POST", f"{GATEWAY}/api/v1/servers/{SERVER}/batch", batch))
    wall = (time.monotonic() - start) * 1000
    gateway, sim = cpu_ms(GATEWAY_PID) - gateway_before, cpu_ms(SIM_PID) - sim_before
    if answer["failed"]:
        sys.exit(f"round {round_}: {answer['failed']} calls failed")
    figures.append((wall, gateway, sim))
    print(f"round {round_}: {wall:.0f} ms, gateway cpu {gateway} ms, simulator cpu {sim} ms", flush=True)
    call("DELETE", f"{SIM}/v2/projects/{project}")
    time.sleep(1.0)  # the bridge's backlog and the delete settle before the next round

measured = figures[len(figures) // 3:]
print("RESULT batch of 2,500 creates, median of %d rounds: %.0f ms, gateway cpu %.0f ms, simulator cpu %.0f ms"
      % ((len(measured),) + tuple(statistics.median(f[i] for f in measured) for i in range(3))))
