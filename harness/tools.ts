// Finding external tools and their versions (Debian packages), for availability checks
// and for the machine section of docs/BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/sbin', '/bin'])) {
    if (dir && existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return undefined;
}

/** The installed Debian package version, or undefined. */
export function debianVersion(pkg: string): string | undefined {
  try {
    const v = execFileSync('dpkg-query', ['-W', '-f=${Version}', pkg], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return v.trim() || undefined;
  } catch {
    return undefined;
  }
}
