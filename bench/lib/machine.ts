// The machine and software a run was measured on, for docs/BENCHMARKS.md and the JSON.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import path from 'node:path';
import { libtorrentVersion } from '../../harness/clients/libtorrent-client.ts';
import { debianVersion } from '../../harness/tools.ts';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memGiB: number;
  kernel: string;
  versions: Record<string, string>;
}

export function machineInfo(repoRoot: string): MachineInfo {
  const cpu = cpus();
  const versions: Record<string, string> = {
    swarmdrop: `${readJson(path.join(repoRoot, 'package.json'))?.version ?? '?'} (${git(repoRoot)})`,
    node: process.version,
    libtorrent: libtorrentVersion() ?? 'not installed',
    webtorrent:
      readJson(path.join(repoRoot, 'node_modules/webtorrent/package.json'))?.version ?? 'not installed',
    'transmission-daemon': debianVersion('transmission-daemon') ?? 'not installed',
    opentracker: debianVersion('opentracker') ?? 'not installed',
    mktorrent: debianVersion('mktorrent') ?? 'not installed',
  };
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: `Linux ${release()}`,
    versions,
  };
}

function readJson(file: string): { version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { version?: string };
  } catch {
    return undefined;
  }
}

function git(repoRoot: string): string {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'no git';
  }
}
