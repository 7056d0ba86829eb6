#!/usr/bin/python3
"""A libtorrent peer that finds others by Local Service Discovery (BEP 14) only.

For the LAN tests (test/lan-discovery-netns.int.test.ts): run inside a network namespace
of the test's bridge LAN. LSD is on and is its only source of peers: no DHT, no trackers,
no UPnP/NAT-PMP, no uTP. libtorrent announces each torrent on LSD every
`local_service_announce_interval` seconds (default 300); --lsd-interval shortens it so a
test does not wait five minutes. Prints one JSON object per line:
  {"event":"listening","port":N}  {"event":"seeding"}  {"event":"peer","address":...}
  {"event":"finished"}  {"event":"error","message":...}
and stays alive until SIGTERM/SIGINT. "finished" comes once the downloaded pieces are on
disk: libtorrent 2.0 hashes a piece from its write buffer, so the torrent can finish
before its last writes land, and a test that read the file at once saw old bytes.
"""
import argparse
import json
import signal
import time

import libtorrent as lt


def say(event, **fields):
    print(json.dumps({"event": event, **fields}), flush=True)


def main():
    ap = argparse.ArgumentParser()
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--torrent")
    src.add_argument("--info-hash")
    ap.add_argument("--save", required=True)
    ap.add_argument("--listen", required=True, help="address to listen on (the namespace's LAN address)")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--lsd-interval", type=int, default=2, help="seconds between LSD announces")
    args = ap.parse_args()

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))

    ses = lt.session(
        {
            "listen_interfaces": "%s:%d" % (args.listen, args.port),
            "enable_dht": False,
            "enable_lsd": True,
            "local_service_announce_interval": args.lsd_interval,
            "enable_upnp": False,
            "enable_natpmp": False,
            "enable_incoming_utp": False,
            "enable_outgoing_utp": False,
            "alert_mask": lt.alert.category_t.status_notification
            | lt.alert.category_t.error_notification
            | lt.alert.category_t.peer_notification
            | lt.alert.category_t.storage_notification,
        }
    )
    params = lt.add_torrent_params()
    if args.torrent:
        params.ti = lt.torrent_info(args.torrent)
    else:
        params.info_hashes = lt.info_hash_t(lt.sha1_hash(bytes.fromhex(args.info_hash)))
    params.save_path = args.save
    handle = ses.add_torrent(params)

    said_listening = False
    said_done = False
    flushing = False

    def done():
        nonlocal said_done, flushing
        if said_done or flushing:
            return
        if args.torrent:
            said_done = True
            say("seeding")
        else:
            # Said on cache_flushed_alert, once every write is on disk.
            flushing = True
            handle.flush_cache()

    while not stopping:
        for a in ses.pop_alerts():
            if isinstance(a, lt.listen_succeeded_alert) and not said_listening:
                said_listening = True
                say("listening", port=a.port)
            elif isinstance(a, lt.peer_connect_alert) or isinstance(a, lt.incoming_connection_alert):
                say("peer", address=str(getattr(a, "endpoint", getattr(a, "ip", ""))))
            elif isinstance(a, lt.lsd_error_alert) or isinstance(a, lt.listen_failed_alert):
                say("error", message=a.message())
            elif isinstance(a, lt.torrent_finished_alert):
                done()
            elif isinstance(a, lt.cache_flushed_alert) and flushing and not said_done:
                said_done = True
                say("finished")
        if handle.status().is_seeding:
            done()
        ses.wait_for_alert(200)
    ses.pause()
    time.sleep(0.2)


if __name__ == "__main__":
    main()
