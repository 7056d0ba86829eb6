/**
 * A multi-file torrent seeded by `swarmdrop share` (a real CLI seeder on loopback) and
 * added to an app instance by its magnet link through the UI: what the Files tab and the
 * player are tested and photographed on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';

/** A playable WAV (Chromium decodes PCM WAV): `seconds` of a 440 Hz tone, 8 kHz mono 16-bit. */
export function wavTone(seconds: number): Buffer {
  const rate = 8000;
  const samples = rate * seconds;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++)
    data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16); // PCM header size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

export const PACK_NAME = `field-trip-${Date.now().toString(36)}`;

/** The folder shared: a tone to play, notes in a subfolder, a photo archive. */
export async function writePack(root: string): Promise<string> {
  const dir = path.join(root, PACK_NAME);
  await mkdir(path.join(dir, 'notes', 'day 2'), { recursive: true });
  await writeFile(path.join(dir, 'river-tone.wav'), wavTone(3));
  await writeFile(path.join(dir, 'notes', 'day 1.txt'), 'Left at dawn.\n');
  await writeFile(path.join(dir, 'notes', 'day 2', 'map.txt'), 'North along the ridge.\n');
  await writeFile(path.join(dir, 'photos.zip'), randomBytes(3 * 1024 * 1024));
  return dir;
}

/** `swarmdrop share DIR --tracker URL` until killed; resolves with its magnet link. */
export async function shareWithCli(
  dir: string,
  tracker: string,
  dataDir: string,
): Promise<{ magnet: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      path.resolve('bin/swarmdrop.mjs'),
      'share',
      dir,
      '--tracker',
      tracker,
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--piece-length',
      String(64 * 1024),
      '--no-publish',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const magnet = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(magnet:\?\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => reject(new Error(`share exited with ${code}: ${err}`)));
  });
  return { magnet, child };
}

/** Pastes the magnet into the Magnet link dialog. */
export async function addMagnet(page: Page, magnet: string): Promise<void> {
  await page.getByRole('button', { name: 'Magnet link' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a magnet link' });
  await dialog.getByRole('textbox').fill(magnet);
  await dialog.getByRole('button', { name: 'Download' }).click();
  await expect(dialog).toBeHidden();
}
