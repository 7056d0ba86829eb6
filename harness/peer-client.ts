// One BitTorrent client the benchmark can start as a seeder or a leecher. Each running
// peer is one OS process (so its CPU and memory are its own) that tells the harness when
// it is seeding, has the metadata, has its first verified piece and has every piece.
import type { TrackedChild } from './tracked-child.ts';

export interface LaunchOptions {
  /** The .torrent to seed or download; or `magnet`. */
  torrentFile?: string;
  magnet?: string;
  /** Folder holding the payload (seeder) or receiving it (leecher). */
  saveDir: string;
  seed: boolean;
  /** Scratch folder for this process (config, resume data). */
  workDir: string;
  /** Sample anonymous memory (leechers). */
  sampleMemory?: boolean;
  /** Peer (listen) port on 127.0.0.1; default an ephemeral/free one. */
  peerPort?: number;
  /**
   * `host:port` addresses the peer dials itself (WebTorrent `addPeer`), besides the
   * tracker's list. Transmission 3.00 has no RPC for it and refuses this option.
   */
  connectTo?: string[];
  /**
   * Message Stream Encryption. 'require': RC4 only, both ways (Transmission `encryption:
   * 2`; libtorrent pe_forced in and out, allowed_enc_level rc4). 'prefer': the client's own
   * default for it (Transmission `encryption: 1`; libtorrent's pe_enabled, which the
   * benchmark keeps anyway). Default: the benchmark's setting (Transmission 0, plaintext
   * preferred).
   */
  encryption?: 'require' | 'prefer';
  /**
   * `host:port` of local DHT nodes: the peer runs a DHT joined through these only
   * (libtorrent). Unset: no DHT.
   */
  dhtBootstrap?: string[];
  /**
   * 'utp-only': uTP in and out, TCP off (libtorrent); Swarmdrop has no TCP-off switch, so
   * it dials uTP first (`--prefer-utp`) and says which transport brought its first piece
   * (`RunningPeer.firstPieceTransport`). 'tcp-only': uTP off (Swarmdrop `--no-utp`;
   * libtorrent's benchmark default anyway). Default: the client's benchmark setting
   * (libtorrent TCP only, Swarmdrop both).
   */
  transport?: 'utp-only' | 'tcp-only';
}

export interface RunningPeer {
  readonly child: TrackedChild;
  /** Resolves with the time (performance.now()) the event was seen. */
  waitSeeding(timeoutMs: number): Promise<number>;
  waitFinished(timeoutMs: number): Promise<number>;
  waitFirstPiece(timeoutMs: number): Promise<number>;
  /** 'tcp' or 'utp': what carried the first verified piece, for clients that say. */
  firstPieceTransport?(timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

export interface PeerClient {
  /** Subject name in the results: `libtorrent`, `webtorrent`, `transmission`, `swarmdrop`. */
  readonly name: string;
  /**
   * Set when one seeder process cannot serve several leechers in turn, so each run gets a
   * fresh swarm; the string says why (printed in the notes).
   */
  readonly freshSeederPerRun?: string;
  /** Why this client cannot run here (missing tool, command not built yet), or undefined. */
  unavailable(): string | undefined;
  launch(options: LaunchOptions): Promise<RunningPeer>;
}

/** A peer whose process prints the JSON lines of harness/peers/*: seeding, first-piece, finished. */
export function jsonLinePeer(child: TrackedChild): RunningPeer {
  return {
    child,
    waitSeeding: async (t) => (await child.waitForEvent('seeding', t)).atMs,
    waitFinished: async (t) => (await child.waitForEvent('finished', t)).atMs,
    waitFirstPiece: async (t) => (await child.waitForEvent('first-piece', t)).atMs,
    stop: () => child.stop(),
  };
}
