// What every figure gets: the options, a scratch folder for this bench run, the payload
// (made once, on first use), the clients and tools, and a progress log on stderr.
import type { BenchOptions } from './options.ts';
import type { Payload } from '../../harness/payload.ts';
import type { PeerClient } from '../../harness/peer-client.ts';
import type { SwarmdropCli } from './clients/swarmdrop-client.ts';

export interface BenchContext {
  options: BenchOptions;
  repoRoot: string;
  /** Deleted at the end of the bench run. */
  workDir: string;
  payload(): Promise<Payload>;
  /** Peers beside Swarmdrop, by subject name. */
  peers: { libtorrent: PeerClient; webtorrent: PeerClient; transmission: PeerClient };
  swarmdrop: SwarmdropCli;
  tools: { opentracker?: string; mktorrent?: string; transmissionCreate?: string };
  log(message: string): void;
}
