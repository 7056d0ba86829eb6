// The UDP tracker codecs in one import, for the tracker, its clients and the benchmark's
// load generator (bench/tracker-load.ts): every function is pure over Uint8Array.
export * from './udp-tracker-common.ts';
export * from '../ip-address.ts';
export * from './compact-peers.ts';
export * from './connect.ts';
export * from './announce.ts';
export * from './scrape.ts';
export * from './error-response.ts';
export * from './catalog-publish.ts';
export * from './catalog-list.ts';
export * from './udp-tracker-packet.ts';
