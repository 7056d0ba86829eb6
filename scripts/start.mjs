// `npm start`: the Electron app when its binary is there; otherwise one clear line saying
// why, and the same app as a daemon + web UI (embedded tracker on), nothing to edit. The
// daemon prints the address to open itself: it carries the access token, which only the
// daemon knows (kept in its data dir).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const at = (p) => path.join(root, p);
const require = createRequire(import.meta.url);
const extraArgs = process.argv.slice(2);
const WEB = process.env.SWARMDROP_WEB ?? '127.0.0.1:9080';
const INSTALL_TIMEOUT_MS = 20_000;

if (
  !existsSync(at('dist/cli/main.js')) ||
  !existsSync(at('dist/renderer/index.html')) ||
  !existsSync(at('dist/app/main.cjs'))
) {
  const built = spawnSync(process.execPath, [at('scripts/build.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

/** The Electron binary's path, or null with the reason. */
function electronBinary() {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { binary: null, reason: 'the electron package is not installed', pkgDir: null };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  if (existsSync(pathFile)) {
    const binary = path.join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    if (existsSync(binary)) return { binary, reason: null, pkgDir };
  }
  return { binary: null, reason: 'its binary was not downloaded', pkgDir };
}

let found = electronBinary();
if (!found.binary && found.pkgDir && existsSync(path.join(found.pkgDir, 'install.js'))) {
  // One short attempt to fetch the binary (it fails quickly where downloads are blocked).
  const r = spawnSync(process.execPath, [path.join(found.pkgDir, 'install.js')], {
    stdio: 'ignore',
    timeout: INSTALL_TIMEOUT_MS,
  });
  found = electronBinary();
  if (!found.binary)
    found.reason =
      r.error?.code === 'ETIMEDOUT' ? 'the binary download timed out' : 'the binary download is blocked';
}

const run = (cmd, args) => {
  const child = spawn(cmd, args, { stdio: 'inherit' });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
};

if (found.binary) {
  run(found.binary, [at('dist/app/main.cjs'), ...extraArgs]);
} else {
  console.log(
    `Electron binary not available (${found.reason}): starting the daemon and web UI instead; open the "web UI on" address it prints.`,
  );
  run(process.execPath, [at('bin/swarmdrop.mjs'), 'daemon', '--web', WEB, ...extraArgs]);
}
