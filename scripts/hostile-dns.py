#!/usr/bin/env python3
"""A misbehaving DNS server for the dns step's tests, on one loopback UDP port; what it answers
depends on the first label of the name asked:

    hostile-dns.py PORT

garbage.*     "garbage!" (8 bytes: shorter than a DNS header)
short.*       a reply header with the query's id that promises one answer, and then ends
loop.*        a reply with the query's id whose one answer's name is a compression pointer to
              itself (a compression loop)
forward.*     an answer name that points forward, past itself
wrongid.*     a well-formed reply with another id
query.*       the query sent back unchanged (QR bit 0: not a reply)
silent.*      no answer at all (the client times out)
control.*     one TXT record whose strings hold an ESC colour sequence, CR LF, a NUL and a C1 CSI
              (U+009B): bytes that must never reach a record or a terminal raw
anything else a well-formed reply: one A record, 192.0.2.99

Prints "listening" once the socket is bound.
"""
import socket
import struct
import sys


def question_end(query):
    """Offset just past the question's name, type and class (names in queries are uncompressed)."""
    offset = 12
    while query[offset] != 0:
        offset += 1 + query[offset]
    return offset + 5


def first_label(query):
    size = query[12]
    return query[13:13 + size].decode("ascii", "replace").lower()


def reply(query, answers, count, rcode=0, id_=None):
    id_ = struct.unpack("!H", query[:2])[0] if id_ is None else id_
    header = struct.pack("!HHHHHH", id_, 0x8180 | rcode, 1, count, 0, 0)
    return header + query[12:question_end(query)] + answers


def answer(query):
    label = first_label(query)
    a_record = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + bytes([192, 0, 2, 99])
    if label == "garbage":
        return b"garbage!"
    if label == "short":
        return reply(query, b"", 1)
    if label == "loop":
        at = question_end(query)  # the answer's name starts here and points here
        return reply(query, bytes([0xC0 | (at >> 8), at & 0xFF]) + struct.pack("!HHIH", 1, 1, 60, 4) + b"\x7f\x00\x00\x01", 1)
    if label == "forward":
        at = question_end(query) + 2
        return reply(query, bytes([0xC0 | (at >> 8), at & 0xFF]) + b"\x00" + struct.pack("!HHIH", 1, 1, 60, 4) + b"\x7f\x00\x00\x01", 1)
    if label == "wrongid":
        return reply(query, a_record, 1, id_=(struct.unpack("!H", query[:2])[0] + 1) & 0xFFFF)
    if label == "query":
        return query
    if label == "silent":
        return None
    if label == "control":
        strings = [b"ok\x1b[31mred", b"\r\nFAKE 200\x00", "\u009b2J".encode()]
        data = b"".join(bytes([len(text)]) + text for text in strings)
        return reply(query, b"\xc0\x0c" + struct.pack("!HHIH", 16, 1, 60, len(data)) + data, 1)
    return reply(query, a_record, 1)


def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", int(sys.argv[1])))
    print("listening", flush=True)
    while True:
        query, peer = sock.recvfrom(4096)
        try:
            data = answer(query)
        except IndexError:
            continue
        if data is not None:
            sock.sendto(data, peer)


if __name__ == "__main__":
    main()
