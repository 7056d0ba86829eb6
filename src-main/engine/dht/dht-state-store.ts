/**
 * The DHT's routing table between runs: `<dataDir>/dht.json`, `{ version, nodeId, nodes }`,
 * written atomically through the VersionedJsonStore. Keeping the node id and the nodes
 * lets a restart rejoin the DHT without its bootstrap nodes, and keeps our place in the
 * key space (BEP 5 nodes store the peers announced near their own id).
 */
import { isIP } from 'node:net';
import { VersionedDataError, VersionedJsonStore } from '../resume/versioned-json-store.ts';

export const DHT_STATE_VERSION = 1;
const DHT_STATE_KEY = 'dht';
/** A full routing table is 160 buckets of 8; more than this is not ours. */
export const MAX_SAVED_NODES = 1280;

export interface SavedDhtNode {
  host: string;
  port: number;
  /** 40 hex digits. */
  idHex: string;
}

export interface DhtState {
  /** Our node id, 40 hex digits. */
  nodeIdHex: string;
  nodes: SavedDhtNode[];
}

const ID_HEX = /^[0-9a-f]{40}$/;

const isPort = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 65535;

/**
 * Raw JSON → DhtState. A wrong version or shape throws VersionedDataError; a single bad
 * node entry is skipped (the rest of the table is still worth having).
 */
export function migrateDhtState(raw: unknown): DhtState {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new VersionedDataError('invalid', 'DHT state is not an object');
  const doc = raw as { version?: unknown; nodeId?: unknown; nodes?: unknown };
  if (doc.version !== DHT_STATE_VERSION)
    throw new VersionedDataError('unsupported-version', `DHT state version ${String(doc.version)}`);
  if (typeof doc.nodeId !== 'string' || !ID_HEX.test(doc.nodeId))
    throw new VersionedDataError('invalid', 'DHT state has no valid node id');
  if (!Array.isArray(doc.nodes)) throw new VersionedDataError('invalid', 'DHT state has no node list');
  const nodes: SavedDhtNode[] = [];
  for (const n of doc.nodes.slice(0, MAX_SAVED_NODES)) {
    if (typeof n !== 'object' || n === null) continue;
    const { host, port, id } = n as { host?: unknown; port?: unknown; id?: unknown };
    if (typeof host !== 'string' || isIP(host) === 0 || !isPort(port)) continue;
    if (typeof id !== 'string' || !ID_HEX.test(id)) continue;
    nodes.push({ host, port, idHex: id });
  }
  return { nodeIdHex: doc.nodeId, nodes };
}

/** The JSON document as stored. */
interface DhtStateDocument {
  version: number;
  nodeId: string;
  nodes: { host: string; port: number; id: string }[];
}

/** DhtState → the JSON document (the inverse of migrateDhtState). */
export function dhtStateDocument(state: DhtState): DhtStateDocument {
  return {
    version: DHT_STATE_VERSION,
    nodeId: state.nodeIdHex,
    nodes: state.nodes.slice(0, MAX_SAVED_NODES).map((n) => ({ host: n.host, port: n.port, id: n.idHex })),
  };
}

export class DhtStateStore {
  private readonly store: VersionedJsonStore<DhtStateDocument>;

  constructor(dataDir: string) {
    this.store = new VersionedJsonStore({
      dir: dataDir,
      migrate: (raw) => dhtStateDocument(migrateDhtState(raw)),
      maxDocumentBytes: 1 << 20,
    });
  }

  /** The saved state; undefined when there is none. Throws VersionedDataError. */
  async load(): Promise<DhtState | undefined> {
    const doc = await this.store.load(DHT_STATE_KEY);
    return (
      doc && {
        nodeIdHex: doc.nodeId,
        nodes: doc.nodes.map((n) => ({ host: n.host, port: n.port, idHex: n.id })),
      }
    );
  }

  save(state: DhtState): Promise<void> {
    return this.store.save(DHT_STATE_KEY, dhtStateDocument(state));
  }
}
