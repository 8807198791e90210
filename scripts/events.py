#!/usr/bin/env python3
"""Prints Labfleet's Kafka events as they come, one line each (./labfleet events runs it behind Kafka's console
consumer). Reads "key<TAB>value" lines on stdin, a CloudEvent (structured JSON) per value.

  time  type  subject  key=...  data (compact JSON, cut to the terminal's width unless --full)

Options: --key K (only records with this key: a project id), --type PREFIX (only types starting with it), --json
(each event as the JSON it is, one per line), --full (don't cut data). Only the Python standard library.
"""
import argparse
import json
import shutil
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--key")
    ap.add_argument("--type", default="")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--full", action="store_true")
    a = ap.parse_args()
    width = shutil.get_terminal_size((160, 20)).columns
    for line in sys.stdin:
        line = line.rstrip("\n")
        key, sep, value = line.partition("\t")
        if not sep:
            key, value = "", line
        if a.key and key != a.key:
            continue
        try:
            event = json.loads(value)
        except ValueError:
            print(f"(not JSON) key={key} {value[:200]}", flush=True)
            continue
        if not isinstance(event, dict) or not str(event.get("type", "")).startswith(a.type):
            continue
        if a.json:
            print(json.dumps(event, separators=(",", ":")), flush=True)
            continue
        data = json.dumps(event.get("data"), separators=(",", ":"))
        head = f"{event.get('time', '-')}  {event.get('type', '-')}  {event.get('subject', '-')}  key={key}  "
        if not a.full and len(head) + len(data) > width:
            data = data[:max(20, width - len(head) - 3)] + "..."
        print(head + data, flush=True)


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, BrokenPipeError):
        pass
