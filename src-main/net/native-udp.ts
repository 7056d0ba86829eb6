// Loads the native UDP socket (native/udp-port/udp-port.c, built at install into
// dist/native/ by scripts/build-native.mjs) when this system has one. Everything here
// works without it: datagram-port.ts falls back to Node's dgram and says why.
//
// SWARMDROP_NATIVE_UDP=off in the environment skips it (for A/B measurements and to run
// the fallback on a machine that has the addon); =PATH loads that file instead.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What udp-port.c exports (its header comment is the contract). */
export interface NativeUdpBinding {
  /** Bytes of `data` per datagram slot, and int32 words of `meta` per datagram. */
  readonly SLOT_BYTES: number;
  readonly META_WORDS: number;
  open(
    family: 4 | 6,
    host: string,
    port: number,
    recvBufferBytes: number,
    sendBufferBytes: number,
  ): NativeUdpHandle;
  localPort(handle: NativeUdpHandle): number;
  /** [receive, send] socket buffer bytes the kernel granted. */
  bufferSizes(handle: NativeUdpHandle): [number, number];
  start(handle: NativeUdpHandle, data: Uint8Array, meta: Int32Array, onBatch: (count: number) => void): void;
  /** 0, or the errno of a refused send. */
  send(
    handle: NativeUdpHandle,
    data: Uint8Array,
    offset: number,
    length: number,
    port: number,
    host: string,
  ): number;
  close(handle: NativeUdpHandle): void;
}

/** An opaque socket handle (an N-API external). */
export interface NativeUdpHandle {
  readonly __nativeUdpHandle: unique symbol;
}

/** meta[i * META_WORDS + …]: the fields udp-port.c writes per datagram. */
export const META_LENGTH = 0;
export const META_PORT = 1;
export const META_FAMILY = 2;
export const META_FLAGS = 3;
export const META_ADDRESS = 4;
export const META_FLAG_TRUNCATED = 1;

export const NATIVE_UDP_FILE = 'udp-port.node';
/** Written beside it by the build when it could not be built: `{ "reason": "…" }`. */
export const NATIVE_UDP_SKIPPED_FILE = 'udp-port.skipped.json';

export type NativeUdpLoad = { binding: NativeUdpBinding; path: string } | { binding: null; reason: string };

let loaded: NativeUdpLoad | undefined;

/** The binding, or why there is none (cached: loading is attempted once per process). */
export function loadNativeUdp(): NativeUdpLoad {
  loaded ??= tryLoad();
  return loaded;
}

function tryLoad(): NativeUdpLoad {
  const setting = process.env['SWARMDROP_NATIVE_UDP'];
  if (setting === 'off') return { binding: null, reason: 'SWARMDROP_NATIVE_UDP=off' };
  if (process.platform !== 'linux')
    return { binding: null, reason: `no native UDP socket on ${process.platform}` };
  const candidates = setting ? [setting] : nativeFolders().map((d) => path.join(d, NATIVE_UDP_FILE));
  const found = candidates.find((p) => existsSync(p));
  if (!found) return { binding: null, reason: whyNotBuilt() ?? `${NATIVE_UDP_FILE} was not built` };
  try {
    const binding = createRequire(import.meta.url)(found) as NativeUdpBinding;
    if (typeof binding.open !== 'function' || !(binding.SLOT_BYTES > 0))
      return { binding: null, reason: `${found} is not the native UDP socket` };
    return { binding, path: found };
  } catch (err) {
    return { binding: null, reason: `cannot load ${found}: ${(err as Error).message}` };
  }
}

/**
 * Where the build puts it, seen from this code: dist/native beside the bundles
 * (dist/cli, dist/app, dist/bench), or from the sources (src-main/net) when tests
 * run them. Inside a packaged app's asar archive the file is unpacked beside it
 * (electron-builder.yml `asarUnpack`), as a library cannot be loaded from an archive.
 */
function nativeFolders(): string[] {
  return nativeFoldersFrom(path.dirname(fileURLToPath(import.meta.url)));
}

/** `nativeFolders` seen from the folder `here` (exported for its test). */
export function nativeFoldersFrom(here: string): string[] {
  const folders = [path.join(here, '..', 'native'), path.join(here, '..', '..', 'dist', 'native')];
  return folders.map((d) =>
    d.replace(`${path.sep}app.asar${path.sep}`, `${path.sep}app.asar.unpacked${path.sep}`),
  );
}

function whyNotBuilt(): string | undefined {
  for (const d of nativeFolders()) {
    try {
      const note = JSON.parse(readFileSync(path.join(d, NATIVE_UDP_SKIPPED_FILE), 'utf8')) as {
        reason?: unknown;
      };
      if (typeof note.reason === 'string') return `not built at install: ${note.reason}`;
    } catch {
      // no note there
    }
  }
  return undefined;
}
