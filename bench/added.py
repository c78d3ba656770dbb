#!/usr/bin/env python3
"""What tollgate adds to each request, read from a packet capture of the loopback (tcpdump -w) taken while a load
generator calls tollgate, which calls an upstream:

    added.py CAPTURE PROXY_PORT UPSTREAM_PORT

The proxy's answer carries the upstream's request id in `x-upstream-request-id` (tollgate, whose own
`x-request-id` is its own id), or else in `x-request-id` (nginx, which passes the upstream's headers through).

For each client request the capture holds four instants, stamped by the kernel as the packets pass the loopback:
the request's last packet in, tollgate's request to the upstream out, the upstream's answer's last packet in, and
tollgate's answer out. A client's answer is joined to its upstream exchange by the upstream's request id (tollgate's
`x-upstream-request-id` is the upstream's `x-request-id`). Then, per request:

    added  = (answer out - request in) - (upstream answer in - upstream request out)
    before = upstream request out - request in         (key check, limits, budget, waiting for the event loop)
    after  = answer out - upstream answer in           (usage parsed and recorded, the answer written)

so the upstream's own time, and its jitter, are taken out request by request, and the percentiles are of what
tollgate itself adds (waits for its threads, its collector and PostgreSQL included). A stream (an answer whose
packets carry `data:` lines) counts apart: what the proxy adds to its first event,

    first_event = (first event out - request in) - (upstream's first event in - upstream request out)

and how long its end comes after the upstream's (`last_event`; tollgate's last event waits for the usage row).
Prints one RESULT line.
"""
import math
import struct
import sys


def packets(path):
    """(timestamp in seconds, source port, destination port, payload) of each TCP packet with a payload."""
    with open(path, "rb") as f:
        head = f.read(24)
        magic = struct.unpack("<I", head[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            endian = "<"
        else:
            endian = ">"
            magic = struct.unpack(">I", head[:4])[0]
        fraction = 1e-9 if magic == 0xA1B23C4D else 1e-6
        link = struct.unpack(endian + "I", head[20:24])[0] & 0x0FFFFFFF
        link_header = {1: 14, 113: 16, 276: 20, 0: 4}.get(link)
        if link_header is None:
            raise SystemExit(f"link type {link} not handled")
        while True:
            record = f.read(16)
            if len(record) < 16:
                return
            seconds, frac, captured, _ = struct.unpack(endian + "IIII", record)
            data = f.read(captured)
            ip = data[link_header:]
            if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
                continue
            ip_length = struct.unpack(">H", ip[2:4])[0]
            tcp = ip[(ip[0] & 0x0F) * 4:]
            if len(tcp) < 20:
                continue
            source, destination = struct.unpack(">HH", tcp[:4])
            offset = (tcp[12] >> 4) * 4
            # the payload's length from the IP header: the capture may be cut short (snap length)
            payload_length = ip_length - (ip[0] & 0x0F) * 4 - offset
            if payload_length <= 0:
                continue
            yield seconds + frac * fraction, source, destination, tcp[offset:]


def upstream_id(payload):
    """The upstream's request id in the head of a proxy's answer: tollgate names it apart, nginx passes it through."""
    return header(payload, b"x-upstream-request-id") or header(payload, b"x-request-id")


def header(payload, name):
    """The value of a header in the head of an HTTP message (the first packet), or None."""
    head = payload.split(b"\r\n\r\n", 1)[0]
    prefix = name.lower() + b":"
    for line in head.split(b"\r\n")[1:]:
        if line.lower().startswith(prefix):
            return line[len(prefix):].strip().decode("ascii", "replace")
    return None


def has_event(payload):
    """Whether a packet carries a server-sent event's data line."""
    return payload.startswith(b"data:") or b"\ndata:" in payload


def exchanges(path, tollgate_port, upstream_port):
    """The client's answers and the upstream's, each a dict of instants: request in/out, first packet of the answer,
    first event (streams), last packet; an upstream answer by its request id."""
    client = {}     # client port -> [phase, request's last packet, answer being sent]
    upstream = {}   # the proxy's local port -> [phase, exchange]
    answered = []
    upstream_done = {}
    for ts, src, dst, payload in packets(path):
        if dst == tollgate_port:
            state = client.setdefault(src, ["idle", None, None])
            state[0], state[1] = "request", ts
        elif src == tollgate_port:
            state = client.get(dst)
            if state and state[0] == "request":
                state[2] = {"in": state[1], "out": ts, "id": upstream_id(payload), "last": ts,
                            "event": ts if has_event(payload) else None}
                answered.append(state[2])
                state[0] = "answer"
            elif state and state[0] == "answer":
                state[2]["last"] = ts
                if state[2]["event"] is None and has_event(payload):
                    state[2]["event"] = ts
        elif dst == upstream_port:
            state = upstream.setdefault(src, ["idle", None])
            if state[0] != "request":
                finish(state, upstream_done)
                state[0], state[1] = "request", {"out": ts, "id": None, "in": None, "event": None}
        elif src == upstream_port:
            state = upstream.get(dst)
            if state and state[0] in ("request", "answer"):
                if state[0] == "request":
                    state[1]["id"] = header(payload, b"x-request-id")
                    state[0] = "answer"
                state[1]["in"] = ts
                if state[1]["event"] is None and has_event(payload):
                    state[1]["event"] = ts
    for state in upstream.values():
        finish(state, upstream_done)
    return answered, upstream_done


def finish(state, done):
    exchange = state[1]
    if exchange and exchange["id"] and exchange["in"] is not None:
        done[exchange["id"]] = exchange
    state[1] = None


def joined(answered, upstream_done):
    """Each answer with the upstream exchange it was joined to (by the upstream's request id), where both are in."""
    for answer in answered:
        up = upstream_done.get(answer["id"])
        if up is not None:
            yield answer, up


def added_by(answer, up):
    """What the proxy added to a whole (not streamed) answer: its time from request in to answer out, less the
    upstream's from request out to answer in."""
    return (answer["out"] - answer["in"]) - (up["in"] - up["out"])


def percentile(values, p):
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def main():
    path, tollgate_port, upstream_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    answered, upstream_done = exchanges(path, tollgate_port, upstream_port)
    added, before, after, first_event, last_event = [], [], [], [], []
    for answer, up in joined(answered, upstream_done):
        before.append(up["out"] - answer["in"])
        if up["event"] is None:
            # a whole answer: relayed once the upstream's last packet is in
            added.append(added_by(answer, up))
            after.append(answer["out"] - up["in"])
        elif answer["event"] is not None:
            # a stream: its first event, and its end after the upstream's
            first_event.append((answer["event"] - answer["in"]) - (up["event"] - up["out"]))
            last_event.append(answer["last"] - up["in"])
    us = lambda seconds: int(round(seconds * 1e6))
    fields = [f"answers={len(answered)}", f"joined={len(added)}", f"captured_streams={len(first_event)}"]
    for name, values in (("added", added), ("before", before), ("after", after), ("first_event", first_event),
                         ("last_event", last_event)):
        if values:
            for p in (50, 90, 99):
                fields.append(f"{name}_p{p}_us={us(percentile(values, p))}")
    if added:
        fields.append(f"added_max_us={us(max(added))}")
    print("RESULT " + " ".join(fields))


if __name__ == "__main__":
    main()
