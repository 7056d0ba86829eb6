#!/usr/bin/python3
"""One libtorrent peer for `npm run bench`: seeds or downloads one torrent.

Run with Debian's /usr/bin/python3 (python3-libtorrent). Everything stays on loopback:
DHT (unless --dht-bootstrap names a local node), LSD, UPnP and NAT-PMP are off, it listens
on 127.0.0.1 (or --listen) and talks to the one tracker in the .torrent/magnet or to
--peer addresses. Prints one JSON object per line:
  {"event":"listening","port":N}  {"event":"seeding"}  {"event":"metadata"}
  {"event":"first-piece"}  {"event":"finished"}  {"event":"error","message":...}
  {"event":"totals","verifiedBytes":N,"uploadedBytes":N} (once a second)
  {"event":"peer","address":"host:port","source":N} (with --report-peers)
and stays alive after `finished` until SIGTERM/SIGINT, so the harness can read its CPU
and memory from /proc before it exits.
"""
import argparse
import json
import signal
import sys
import time

import libtorrent as lt


def say(event, **fields):
    print(json.dumps({"event": event, **fields}), flush=True)


def main():
    ap = argparse.ArgumentParser()
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--torrent")
    src.add_argument("--magnet")
    ap.add_argument("--save", required=True, help="folder holding (seed) or receiving (leech) the payload")
    ap.add_argument("--seed", action="store_true", help="the data is complete: check it, then seed")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--listen", default="127.0.0.1", help="address to listen on, e.g. ::1 (default 127.0.0.1)")
    ap.add_argument("--outgoing-interface", help="address outgoing connections leave from (outgoing_interfaces)")
    ap.add_argument(
        "--report-peers",
        action="store_true",
        help='print {"event":"peer","address":"host:port","source":N} once per connected peer '
        "(N: libtorrent's peer_info.source bits, 4 = learned through PEX)",
    )
    ap.add_argument("--peer", action="append", default=[], help="host:port to connect to directly")
    ap.add_argument(
        "--require-encryption",
        action="store_true",
        help="MSE with RC4 only, in and out (pe_forced, allowed_enc_level rc4)",
    )
    ap.add_argument(
        "--dht-bootstrap",
        action="append",
        default=[],
        help="host:port of a local DHT node: turns the DHT on, joined through it only",
    )
    ap.add_argument(
        "--utp-only",
        action="store_true",
        help="uTP (BEP 29) in and out, TCP off both ways (interop tests of our uTP)",
    )
    args = ap.parse_args()

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))

    settings = {
        "listen_interfaces": ("[%s]:%d" if ":" in args.listen else "%s:%d") % (args.listen, args.port),
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        # TCP only, like every other client in the benchmark.
        "enable_incoming_utp": False,
        "enable_outgoing_utp": False,
        # Every peer of the benchmark is 127.0.0.1 on its own port.
        "allow_multiple_connections_per_ip": True,
        "alert_mask": lt.alert.category_t.status_notification
        | lt.alert.category_t.error_notification
        | lt.alert.category_t.storage_notification
        | lt.alert.category_t.piece_progress_notification,
    }
    if args.outgoing_interface:
        settings["outgoing_interfaces"] = args.outgoing_interface
    if args.utp_only:
        settings.update(
            {
                "enable_incoming_utp": True,
                "enable_outgoing_utp": True,
                "enable_incoming_tcp": False,
                "enable_outgoing_tcp": False,
            }
        )
    if args.require_encryption:
        settings.update(
            {
                "out_enc_policy": int(lt.enc_policy.forced),
                "in_enc_policy": int(lt.enc_policy.forced),
                "allowed_enc_level": int(lt.enc_level.rc4),
                "prefer_rc4": True,
            }
        )
    if args.dht_bootstrap:
        settings.update(
            {
                "enable_dht": True,
                "dht_bootstrap_nodes": ",".join(args.dht_bootstrap),
                # Every node of a test's DHT is 127.0.0.1 on its own port, which these
                # settings (meant for the internet) would refuse or merge.
                "dht_restrict_routing_ips": False,
                "dht_restrict_search_ips": False,
                "dht_prefer_verified_node_ids": False,
                "dht_ignore_dark_internet": False,
                "dht_enforce_node_id": False,
                # A torrent added before libtorrent's DHT is up is looked up only at the
                # next announce round (900 s by default): keep rounds short on loopback.
                "dht_announce_interval": 5,
            }
        )
    ses = lt.session(settings)

    params = lt.parse_magnet_uri(args.magnet) if args.magnet else lt.add_torrent_params()
    if args.torrent:
        params.ti = lt.torrent_info(args.torrent)
    params.save_path = args.save
    handle = ses.add_torrent(params)
    for peer in args.peer:
        host, port = peer.rsplit(":", 1)
        handle.connect_peer((host.strip("[]"), int(port)))

    say("listening", port=ses.listen_port())
    seen_first = False
    reported = False
    next_totals = time.time() + 1
    peers_seen = set()
    while not stopping:
        if args.report_peers:
            for p in handle.get_peer_info():
                host, port = p.ip
                address = ("[%s]:%d" if ":" in host else "%s:%d") % (host, port)
                if address not in peers_seen:
                    peers_seen.add(address)
                    say("peer", address=address, source=int(p.source))
        ses.wait_for_alert(200)
        for a in ses.pop_alerts():
            if isinstance(a, lt.metadata_received_alert):
                say("metadata")
            elif isinstance(a, lt.piece_finished_alert) and not seen_first:
                seen_first = True
                say("first-piece", piece=a.piece_index)
            elif isinstance(a, (lt.torrent_finished_alert,)) and not reported:
                reported = True
                say("seeding" if args.seed else "finished")
            elif isinstance(a, (lt.torrent_error_alert, lt.file_error_alert, lt.listen_failed_alert)):
                say("error", message=a.message())
        st = handle.status()
        if time.time() >= next_totals:
            next_totals = time.time() + 1
            say("totals", verifiedBytes=st.total_wanted_done, uploadedBytes=st.total_payload_upload)
        if not reported and st.is_seeding and st.has_metadata:
            # A seeder whose check found every piece gets no torrent_finished_alert.
            reported = True
            say("seeding" if args.seed else "finished")
        if args.seed and not reported and st.has_metadata and st.state == lt.torrent_status.downloading:
            say("error", message="seed data incomplete after the check (%.1f%%)" % (st.progress * 100))
            break
    ses.pause()
    # Let the tracker hear `stopped` (bounded).
    deadline = time.time() + 0.5
    ses.remove_torrent(handle)
    while time.time() < deadline:
        if ses.wait_for_alert(100) is not None:
            if any(isinstance(a, lt.torrent_removed_alert) for a in ses.pop_alerts()):
                break
    return 0


if __name__ == "__main__":
    sys.exit(main())
