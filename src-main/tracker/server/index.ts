// The tracker server for hosts (CLI, daemon, app) and the benchmark: TrackerServer on a
// socket, TrackerCore to drive in-process.
export { TrackerServer, DEFAULT_TRACKER_PORT } from './tracker-server.ts';
export type { TrackerServerOptions, ListenOptions, BoundAddress } from './tracker-server.ts';
export { TrackerCore } from './tracker-core.ts';
export type {
  TrackerOptions,
  TrackerStats,
  TrackerSnapshot,
  TrustAnnounceIp,
  DatagramSource,
} from './tracker-core.ts';
