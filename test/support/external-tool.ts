// Interop tests use real clients from Debian (transmission-daemon, mktorrent, opentracker,
// python3-libtorrent). `.ci/run` installs them, so under CI a missing tool is a failure;
// on a developer machine without them the test is skipped with a reason that says so.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function findTool(name: string): string | undefined {
  if (name.startsWith('/')) return existsSync(name) ? name : undefined;
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Returns the tool's path, or undefined (with a printed reason) when it is missing and
 * we are not in CI. In CI it throws, so a missing install step can never pass silently.
 */
export function requireTool(name: string, debianPackage: string): string | undefined {
  const found = findTool(name);
  if (found) return found;
  const reason = `${name} not found (Debian package ${debianPackage}; .ci/run installs it)`;
  if (process.env.CI) throw new Error(reason);
  console.warn(`SKIPPED: ${reason}`);
  return undefined;
}
