/**
 * Persisted settings: `settings.json` in the data folder, `{ version, settings }`,
 * written atomically through the VersionedJsonStore and passed through migrations on load
 * (CONTRIBUTING.md: persisted data is versioned). A file we cannot read (corrupt, or written by a newer version) is
 * kept beside as `settings.json.bak-<time>` and defaults are used, so a bad file never
 * stops the app from starting.
 */
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { isVersionedDataError, VersionedJsonStore } from '../engine/resume/versioned-json-store.ts';
import { settingsSchema } from '../../src-shared/contract/schemas.ts';
import type { Settings } from '../../src-shared/types/settings.ts';

export const SETTINGS_VERSION = 2;
const SETTINGS_KEY = 'settings';

interface SettingsDocument {
  version: number;
  settings: Settings;
}

export { defaultSettings } from './default-settings.ts';

type Migration = (old: Record<string, unknown>) => Record<string, unknown>;

/**
 * `MIGRATIONS[n]` turns a version-n document into version n+1; when a field changes
 * meaning, bump SETTINGS_VERSION and add the step here with a test.
 *  - 1 → 2: `embeddedTracker.advertiseHost` ('auto'). Without the step the v1 object
 *    would fail the v2 schema and the user's tracker port and on/off would be lost.
 * A new top-level field with a default needs no step: `migrateSettings` fills missing
 * fields from the defaults (`encryption`, `dhtEnabled` and `dhtBootstrap` arrived that way,
 * still version 2).
 * fields from the defaults (`encryption`, `utp` and `preferUtp` arrived that way, still version 2).
 */
export const MIGRATIONS: Record<number, Migration> = {
  1: (old) => {
    const t = old.embeddedTracker;
    if (typeof t !== 'object' || t === null || Array.isArray(t)) return old;
    return { ...old, embeddedTracker: { ...t, advertiseHost: 'auto' } };
  },
};

export interface LoadResult {
  settings: Settings;
  /** Why the file was set aside, when it was (shown once to the user). */
  problem: string | null;
}

/**
 * Turns a parsed document into current settings. Missing or invalid fields take their
 * default one by one, so one bad value does not lose the rest.
 */
export function migrateSettings(
  document: unknown,
  defaults: Settings,
  migrations: Record<number, Migration> = MIGRATIONS,
  currentVersion = SETTINGS_VERSION,
): Settings {
  if (typeof document !== 'object' || document === null) throw new Error('settings file is not an object');
  const doc = document as { version?: unknown; settings?: unknown };
  let version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw new Error('settings file has no valid version');
  if (version > currentVersion)
    throw new Error(`settings file is version ${version}, newer than this app (${currentVersion})`);
  let values =
    typeof doc.settings === 'object' && doc.settings !== null
      ? (doc.settings as Record<string, unknown>)
      : {};
  while (version < currentVersion) {
    const step = migrations[version];
    if (!step) throw new Error(`no migration from settings version ${version}`);
    values = step(values);
    version++;
  }
  const merged: Record<string, unknown> = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof Settings)[]) {
    if (!(key in values)) continue;
    const candidate = { ...defaults, [key]: values[key] };
    if (settingsSchema.safeParse(candidate).success) merged[key] = values[key];
  }
  return settingsSchema.parse(merged);
}

export class SettingsStore {
  private readonly store: VersionedJsonStore<SettingsDocument>;

  constructor(
    dataDir: string,
    private readonly defaults: Settings,
  ) {
    // The store: atomic writes, saves of one key land in call order.
    this.store = new VersionedJsonStore({
      dir: dataDir,
      migrate: (raw) => ({ version: SETTINGS_VERSION, settings: migrateSettings(raw, defaults) }),
    });
  }

  async load(): Promise<LoadResult> {
    try {
      return { settings: (await this.store.load(SETTINGS_KEY))?.settings ?? this.defaults, problem: null };
    } catch (err) {
      if (!isVersionedDataError(err) || err.code === 'io-error') throw err;
      const file = this.store.pathOf(SETTINGS_KEY);
      const aside = `${file}.bak-${Date.now()}`;
      await rename(file, aside).catch(() => undefined);
      const reason = err.message.slice(err.message.lastIndexOf(': ') + 2);
      return {
        settings: this.defaults,
        problem: `Settings could not be read (${reason}); defaults are used and the old file was kept as ${path.basename(aside)}.`,
      };
    }
  }

  /** Saves atomically; the last call wins on disk. */
  save(settings: Settings): Promise<void> {
    return this.store.save(SETTINGS_KEY, { version: SETTINGS_VERSION, settings });
  }
}
