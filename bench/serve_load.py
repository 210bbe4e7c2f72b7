"""Latency phases of bench/serve.sh against a running `interdict serve`.

    python3 bench/serve_load.py ADDR OFFICER_KEY LOADER_KEY PHASE [ARGS]

Phases (each prints RESULT lines):
  decisions N          N outcomes recorded one after another, each on an open shipment of
                       the officer's queue; the time from sending it to the shipment showing
                       it through the API (what the queue's outcome column reads).
  score N              N parcels scored on request (POST /api/v1/score), one after another.
  arrivals N           N one-shipment uploads; the time from sending each to its row being in
                       the queue with a score.
  officers SECONDS C R C officers each recording R outcomes a second for SECONDS; latency of
                       each decision until the shipment shows it, and how many were lost.
Only the standard library: http.client on loopback.
"""

import http.client
import json
import random
import sys
import threading
import time
from urllib.parse import urlparse


def conn(addr):
    u = urlparse(addr)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=120)


def call(c, method, path, key, body=None, ctype="application/json"):
    headers = {"Authorization": f"Bearer {key}"}
    if body is not None:
        headers["Content-Type"] = ctype
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    try:
        return r.status, json.loads(data) if data else None
    except ValueError:
        return r.status, data


def pct(values, p):
    v = sorted(values)
    if not v:
        return float("nan")
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def report(name, ms, extra=""):
    print(
        f"RESULT {name} n={len(ms)} p50_ms={pct(ms, 50):.2f} p99_ms={pct(ms, 99):.2f} "
        f"max_ms={max(ms) if ms else float('nan'):.2f} {extra}".rstrip(),
        flush=True,
    )


def open_shipments(addr, key, want):
    """Open shipments of the caller's queue: (org, id) pairs."""
    c = conn(addr)
    out, offset = [], 0
    while len(out) < want:
        s, q = call(c, "GET", f"/api/v1/queue?limit=500&offset={offset}&status=open", key)
        assert s == 200, (s, q)
        items = q["items"]
        if not items:
            break
        out.extend((i["org"], i["shipment_id"]) for i in items)
        offset += len(items)
    random.shuffle(out)
    return out[:want]


def decide(c, key, org, sid, n, who):
    oid = f"bench-{who}-{n}-{time.time_ns()}"
    rec = {"source_id": oid, "result": random.choice(["released", "seized_counterfeit"]),
           "date": "2026-05-01", "shipment_id": sid}
    t = time.perf_counter()
    s, r = call(c, "POST", "/api/v1/outcomes", key, {"records": [rec]})
    if s != 200 or r.get("landed") != 1:
        return None, f"{s} {r}"
    key_of = f"{org}/outcomes/{oid}"
    while True:
        s, sh = call(c, "GET", f"/api/v1/shipments/{org}/{sid}", key)
        if s == 200 and any(o.get("key") == key_of for o in sh.get("outcomes", [])):
            return (time.perf_counter() - t) * 1000, None
        if time.perf_counter() - t > 30:
            return None, "not visible after 30 s"


def phase_decisions(addr, officer, n):
    c = conn(addr)
    ms, lost = [], 0
    for i, (org, sid) in enumerate(open_shipments(addr, officer, n)):
        took, err = decide(c, officer, org, sid, i, "seq")
        if took is None:
            lost += 1
            print("  lost:", err, file=sys.stderr)
        else:
            ms.append(took)
    report("decision_visible", ms, f"lost={lost}")


def phase_officers(addr, officer, seconds, clients, rate):
    targets = open_shipments(addr, officer, int(seconds * clients * rate) + clients)
    ms, lost, lock = [], [0], threading.Lock()
    stop = time.perf_counter() + seconds

    def run(who):
        c = conn(addr)
        n = 0
        next_at = time.perf_counter()
        while time.perf_counter() < stop:
            with lock:
                if not targets:
                    return
                org, sid = targets.pop()
            took, err = decide(c, officer, org, sid, n, f"o{who}")
            n += 1
            with lock:
                if took is None:
                    lost[0] += 1
                else:
                    ms.append(took)
            next_at += 1.0 / rate
            time.sleep(max(0.0, next_at - time.perf_counter()))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report("decision_visible_under_load", ms, f"clients={clients} lost={lost[0]}")


def parcel(i):
    return {
        "source_id": f"ASK-{i}", "arrival": "2026-05-01", "origin_country": random.choice(["CN", "HK", "TR", "VN"]),
        "port_of_arrival": "GBLHR",
        "shipper": {"name": f"Shipper {i % 997}", "address": {"country": "CN"}},
        "consignee": {"name": f"Consignee {i % 4999}", "address": {"text": f"{i % 200} High St", "country": "GB"}},
        "items": [{"description": random.choice(["sports shoes", "NIKE AIR trainers", "watches", "phone cases"]),
                   "hs_code": "640399", "quantity": 1 + i % 20, "value": f"{5 + i % 50} USD"}],
    }


def phase_score(addr, key, n):
    c = conn(addr)
    ms, failed = [], 0
    for i in range(n):
        t = time.perf_counter()
        s, r = call(c, "POST", "/api/v1/score", key, {"feed": "shipments", "record": parcel(i)})
        took = (time.perf_counter() - t) * 1000
        if s == 200 and 0 <= r["score"] <= 1:
            ms.append(took)
        else:
            failed += 1
    report("score_on_request", ms, f"failed={failed}")


def phase_arrivals(addr, loader, n):
    c = conn(addr)
    ms, lost = [], 0
    header = "source_id,carrier,arrival,origin_country,port_of_arrival,shipper.name,consignee.name,items.description,items.hs_code,items.quantity,items.value\n"
    for i in range(n):
        sid = f"ARR-{time.time_ns()}-{i}"
        row = f"{sid},swift,2026-05-01,CN,GBLHR,Shipper {i % 997},Consignee {i},sports shoes,640399,1,{5 + i % 50} USD\n"
        t = time.perf_counter()
        # Under the marking and group customs' own entries carry, as its officers' uploads would be.
        s, r = call(c, "POST", "/api/v1/feeds/shipments?marking=AMBER&sharing_group=ipr-operation", loader, header + row, "text/csv")
        if s != 200 or r.get("landed") != 1:
            lost += 1
            continue
        while True:
            s, sh = call(c, "GET", f"/api/v1/shipments/customs-uk/{sid}", loader)
            if s == 200 and sh.get("score"):
                ms.append((time.perf_counter() - t) * 1000)
                break
            if time.perf_counter() - t > 120:
                lost += 1
                break
    report("arrival_scored", ms, f"lost={lost}")


def main():
    addr, officer, loader, phase = sys.argv[1:5]
    rest = [float(x) for x in sys.argv[5:]]
    if phase == "decisions":
        phase_decisions(addr, officer, int(rest[0]))
    elif phase == "score":
        phase_score(addr, officer, int(rest[0]))
    elif phase == "arrivals":
        phase_arrivals(addr, loader, int(rest[0]))
    elif phase == "officers":
        phase_officers(addr, officer, rest[0], int(rest[1]), rest[2])
    else:
        sys.exit(f"unknown phase {phase}")


if __name__ == "__main__":
    main()
