// Swarmdrop's own side, through the built CLI (`node bin/swarmdrop.mjs`, i.e.
// dist/cli/main.js): each figure asks for the sub-commands it needs and reports
// "not available yet" while they are not registered in src-main/cli/main.ts.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface SwarmdropCli {
  /** `node` + this script runs the CLI. */
  readonly bin: string;
  /** Why `commands` cannot all run yet, or undefined when they are registered. */
  missing(...commands: string[]): string | undefined;
}

export function swarmdropCli(repoRoot: string): SwarmdropCli {
  const bin = path.join(repoRoot, 'bin/swarmdrop.mjs');
  const built = path.join(repoRoot, 'dist/cli/main.js');
  let registered: Set<string> | undefined;
  const list = (): Set<string> => {
    if (registered) return registered;
    registered = new Set();
    if (!existsSync(built)) return registered;
    try {
      const help = execFileSync(process.execPath, [bin, 'help'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 20_000,
      });
      // The usage text lists one `  <name>  <summary>` line per command after "commands:".
      const section = help.split(/^commands:\s*$/m)[1] ?? '';
      for (const m of section.matchAll(/^ {2}(\S+)\s/gm)) registered.add(m[1]!);
    } catch {
      // A CLI that cannot print its help has no usable commands.
    }
    return registered;
  };
  return {
    bin,
    missing(...commands) {
      if (!existsSync(built)) return 'not available yet: dist/cli/main.js is not built (npm run build)';
      const absent = commands.filter((c) => !list().has(c));
      if (absent.length === 0) return undefined;
      return `not available yet: CLI command${absent.length > 1 ? 's' : ''} ${absent.map((c) => `\`${c}\``).join(', ')} not registered in src-main/cli/main.ts`;
    },
  };
}
