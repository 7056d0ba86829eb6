// One WebTorrent (`webtorrent@1`) peer for `npm run bench`: seeds or downloads
// one torrent, printing the same JSON lines as libtorrent_peer.py:
//   {"event":"listening","port":N} {"event":"seeding"} {"event":"metadata"}
//   {"event":"first-piece"} {"event":"finished"} {"event":"error","message":...}
// and staying alive after `finished` until SIGTERM, so the harness can read /proc.
// DHT, LSD, uTP and web seeds are off; the only tracker is the one in the .torrent or
// magnet (or none with --no-tracker, then --peer addresses are dialled directly).
//
// usage: node webtorrent-peer.mjs (--torrent FILE | --magnet URI) --save DIR [--seed]
//                                  [--port N] [--peer HOST:PORT]... [--no-tracker]
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import WebTorrent from 'webtorrent';

const { values } = parseArgs({
  options: {
    torrent: { type: 'string' },
    magnet: { type: 'string' },
    save: { type: 'string' },
    seed: { type: 'boolean', default: false },
    port: { type: 'string', default: '0' },
    peer: { type: 'string', multiple: true, default: [] },
    'no-tracker': { type: 'boolean', default: false },
  },
});

const say = (event, fields = {}) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);

// WebTorrent has no bind-address option; keep its peer server on loopback like every
// other client in the benchmark.
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (port, ...rest) {
  if (typeof port === 'number' && (rest.length === 0 || typeof rest[0] === 'function')) {
    return listen.call(this, port, '127.0.0.1', ...rest);
  }
  return listen.call(this, port, ...rest);
};

const client = new WebTorrent({
  dht: false,
  lsd: false,
  utp: false,
  webSeeds: false,
  tracker: values['no-tracker'] ? false : {},
  torrentPort: Number(values.port),
});
client.on('error', (err) => {
  say('error', { message: String(err?.message ?? err) });
  process.exit(1);
});

const source = values.torrent ? readFileSync(values.torrent) : values.magnet;
if (!source || !values.save) {
  say('error', { message: 'need --torrent or --magnet, and --save' });
  process.exit(2);
}

let reported = false;
const torrent = client.add(source, { path: values.save }, (t) => {
  say('metadata');
  if ((t.done || t.progress === 1) && !reported) {
    reported = true;
    say(values.seed ? 'seeding' : 'finished');
  } else if (values.seed && !reported) {
    say('error', { message: `seed data incomplete after the check (${(t.progress * 100).toFixed(1)}%)` });
    process.exit(1);
  }
});
torrent.on('error', (err) => {
  say('error', { message: String(err?.message ?? err) });
  process.exit(1);
});
torrent.on('done', () => {
  if (reported) return;
  reported = true;
  say(values.seed ? 'seeding' : 'finished');
});
// WebTorrent emits no per-piece event; wrap the method it calls once a piece has passed
// SHA-1 and been stored, to time "first verified piece".
let firstSeen = false;
const markVerified = torrent._markVerified?.bind(torrent);
if (markVerified) {
  torrent._markVerified = (index) => {
    markVerified(index);
    if (!firstSeen && !values.seed) {
      firstSeen = true;
      say('first-piece', { piece: index });
    }
  };
}
torrent.on('infoHash', () => {
  for (const peer of values.peer) torrent.addPeer(peer);
});
client.on('listening', () => say('listening', { port: client.torrentPort }));

const stop = () => client.destroy(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
