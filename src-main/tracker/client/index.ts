// Tracker clients for the engine and the CLI: see tracker-client-api.ts for the types.
export * from './tracker-client-api.ts';
export { Announcer, ANNOUNCER_UDP_RETRANSMITS } from './announcer.ts';
export { UdpTrackerClient, type UdpTrackerClientOptions } from './udp-tracker-client.ts';
export { HttpTrackerClient, type HttpTrackerClientOptions } from './http-tracker-client.ts';
export {
  publishToCatalog,
  searchCatalog,
  listCatalog,
  catalogName,
  type CatalogClientOptions,
} from './catalog-client.ts';
export {
  retransmitTimeoutMs,
  retransmitSchedule,
  BEP15_RETRANSMIT,
  CONNECTION_ID_TTL_MS,
} from './retransmit-schedule.ts';
export { trackerScheme, parseUdpTrackerUrl } from './tracker-url.ts';
