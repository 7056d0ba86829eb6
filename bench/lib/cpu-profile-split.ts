// Splits a V8 CPU profile (`node --cpu-prof`) of the daemon's main thread into the work done
// for the UI and the engine's own work, over a time window. Frames of the bundle (dist/cli)
// are mapped back to their source files through the bundle's source maps.
//
// A sample counts as **service/UI** when any frame of its stack is service, daemon, shared
// contract or `ws` code: the service calls into the engine for its snapshots (the detail
// with its piece map is built by the engine's `detail()`), and the engine calls into the
// service through its events, so the frame nearest the leaf would hand the snapshot work to
// the engine. Else it counts as **engine** when a frame is engine, protocol or tracker code.
// The rest is named by its leaf: garbage collection, idle (waiting in the event loop),
// "(program)" (native code outside JavaScript, e.g. libuv), or Node's own JavaScript with
// none of ours on the stack (a socket read before it reaches its listener).
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  parent?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds on the monotonic clock (CLOCK_MONOTONIC on Linux, as process.hrtime). */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export type Side = 'service' | 'engine' | 'other-ours' | 'node-internal' | 'gc' | 'idle' | 'program';

export interface ProfileSplit {
  windowMs: number;
  /** Milliseconds of samples per side. */
  bySide: Record<Side, number>;
  /** Service/UI samples by the outermost service frame on their stack (the entry into UI work). */
  serviceEntries: { name: string; ms: number }[];
  /** Service/UI samples by their leaf frame (where the time was spent). */
  serviceLeaves: { name: string; ms: number }[];
  /** Engine samples by their leaf frame. */
  engineLeaves: { name: string; ms: number }[];
}

const SERVICE = /(?:^|\/)(?:src-main\/(?:service|daemon)|src-shared|node_modules\/(?:ws|zod))\//;
const ENGINE = /(?:^|\/)src-main\/(?:engine|protocol|tracker)\//;
const OURS = /(?:^|\/)(?:src-main|src-shared|node_modules)\//;

type Kind = 'service' | 'engine' | 'other-ours' | 'node' | 'none';

interface Frame {
  kind: Kind;
  /** `function (file)`, file relative to the repository. */
  name: string;
}

/** Resolves frames through the source maps of the files they come from (cached per file). */
class FrameResolver {
  private readonly maps = new Map<string, SourceMap | null>();
  private readonly frames = new Map<number, Frame>();

  frame(node: ProfileNode): Frame {
    const cached = this.frames.get(node.id);
    if (cached) return cached;
    const f = node.callFrame;
    const source = this.sourceOf(f);
    const fn = f.functionName || '(anonymous)';
    let frame: Frame;
    if (source === undefined) frame = { kind: 'none', name: fn };
    else if (source.startsWith('node:')) frame = { kind: 'node', name: `${fn} (${source})` };
    else {
      const rel = source.replace(/^.*?((?:src-main|src-shared|node_modules)\/)/, '$1');
      const kind: Kind = SERVICE.test(rel)
        ? 'service'
        : ENGINE.test(rel)
          ? 'engine'
          : OURS.test(rel)
            ? 'other-ours'
            : 'node';
      frame = { kind, name: `${fn} (${rel.replace(/^node_modules\//, '')})` };
    }
    this.frames.set(node.id, frame);
    return frame;
  }

  private sourceOf(f: CallFrame): string | undefined {
    if (f.url === '') return undefined;
    if (!f.url.startsWith('file://')) return f.url;
    const file = fileURLToPath(f.url);
    let map = this.maps.get(file);
    if (map === undefined) {
      map = null;
      if (existsSync(`${file}.map`)) {
        try {
          map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as SourceMapPayload);
        } catch {
          map = null;
        }
      }
      this.maps.set(file, map);
    }
    if (!map) return file;
    const entry = map.findEntry(f.lineNumber, f.columnNumber);
    return 'originalSource' in entry ? entry.originalSource : file;
  }
}

const top = (m: Map<string, number>, n: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: us / 1000 }));

/** The split of `profile` over [startUs, endUs] (monotonic microseconds); `topN` names per list. */
export function splitProfile(profile: CpuProfile, startUs: number, endUs: number, topN = 12): ProfileSplit {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) byId.get(c)!.parent = n.id;
  const resolver = new FrameResolver();
  const bySide: Record<Side, number> = {
    service: 0,
    engine: 0,
    'other-ours': 0,
    'node-internal': 0,
    gc: 0,
    idle: 0,
    program: 0,
  };
  const serviceEntries = new Map<string, number>();
  const serviceLeaves = new Map<string, number>();
  const engineLeaves = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us);
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    // A sample stands for the time until the next one.
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (t < startUs || t >= endUs || us <= 0) continue;
    const leafNode = byId.get(profile.samples[i]!)!;
    const leafName = leafNode.callFrame.functionName;
    let outermostService: string | undefined;
    let sawEngine = false;
    let sawOurs = false;
    for (let n: ProfileNode | undefined = leafNode; n; n = n.parent ? byId.get(n.parent) : undefined) {
      const frame = resolver.frame(n);
      if (frame.kind === 'service') outermostService = frame.name;
      else if (frame.kind === 'engine') sawEngine = true;
      else if (frame.kind === 'other-ours') sawOurs = true;
    }
    const leaf = resolver.frame(leafNode).name;
    if (outermostService) {
      bySide.service += us;
      add(serviceEntries, outermostService, us);
      add(serviceLeaves, leaf, us);
    } else if (sawEngine) {
      bySide.engine += us;
      add(engineLeaves, leaf, us);
    } else if (sawOurs) bySide['other-ours'] += us;
    else if (leafName === '(garbage collector)') bySide.gc += us;
    else if (leafName === '(idle)') bySide.idle += us;
    else if (leafName === '(program)') bySide.program += us;
    else bySide['node-internal'] += us;
  }
  for (const k of Object.keys(bySide) as Side[]) bySide[k] /= 1000;
  return {
    windowMs: (endUs - startUs) / 1000,
    bySide,
    serviceEntries: top(serviceEntries, topN),
    serviceLeaves: top(serviceLeaves, topN),
    engineLeaves: top(engineLeaves, topN),
  };
}

/** Busy time (every sample but idle) of a profile over [startUs, endUs], in ms: for worker threads. */
export function busyMs(profile: CpuProfile, startUs: number, endUs: number): number {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  let us = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    if (t >= startUs && t < endUs && !idle.has(profile.samples[i]!)) us += profile.timeDeltas[i + 1] ?? 0;
  }
  return us / 1000;
}
