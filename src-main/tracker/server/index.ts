// The tracker server for hosts (CLI, daemon, app), tests and the benchmark.
export { TrackerServer, DEFAULT_TRACKER_PORT } from './tracker-server.ts';
export type { TrustAnnounceIp } from './tracker-core.ts';
