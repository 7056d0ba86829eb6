import { useEffect, useState, type ReactElement, type ReactNode } from 'react';
import { useActions, useApp, useClient } from '../../app-context.tsx';
import { Button } from '../../components/button.tsx';
import { Icon } from '../../components/icons.tsx';
import { ENCRYPTION_MODES, type EncryptionMode, type Settings } from '../../../src-shared/types/settings.ts';
import type { AppInfo } from '../../../src-shared/types/app-info.ts';
import { fromForm, toForm, type FormErrors, type SettingsForm } from './settings-form.ts';
import { TrackerAddress } from '../first-run/drop-zone.tsx';
import { browserNotificationSurface, type BrowserPermission } from '../../store/browser-notifications.ts';

const NONE: AppInfo['overridden'] = [];
const ENCRYPTION_HINT: Record<EncryptionMode, string> = {
  prefer:
    'Connections start encrypted (MSE) and fall back to plain when the other side cannot; both are accepted.',
  require: 'Only encrypted connections, both ways. Peers that cannot encrypt are not reached.',
  off: 'Plain connections only; encrypted ones are refused.',
};
const FLAG_HINT = 'Set by a command-line flag for this run; the value here applies when started without it.';

/** Whether this browser will show the notifications, and the one click that allows them. */
function BrowserPermissionNote({
  permission,
  onAllow,
}: {
  permission: BrowserPermission;
  onAllow: () => void;
}): ReactElement {
  return (
    <div className="field-hint notify-permission" data-testid="notify-permission">
      {permission === 'granted' && 'This browser shows them while this page is open in the background.'}
      {permission === 'denied' &&
        'This browser blocks notifications from this page: allow them in its site settings (the icon left of the address).'}
      {permission === 'unsupported' &&
        'This browser cannot show notifications; finished downloads appear in the page.'}
      {permission === 'default' && (
        <>
          This browser asks first.{' '}
          <Button size="sm" variant="ghost" onClick={onAllow}>
            Allow notifications
          </Button>
        </>
      )}
    </div>
  );
}

function Field({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  children: ReactNode;
}): ReactElement {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : (
        hint && <span className="field-hint">{hint}</span>
      )}
    </label>
  );
}

type Result = { tone: 'ok' | 'error'; text: string } | null;

/** The form's fields that hold text, and those that hold a box's checked state. */
type KeyOf<V> = { [K in keyof SettingsForm]: SettingsForm[K] extends V ? K : never }[keyof SettingsForm];
type TextKey = KeyOf<string>;
type CheckKey = KeyOf<boolean>;

function SettingsEditor({
  settings,
  result,
  setResult,
}: {
  settings: Settings;
  result: Result;
  setResult: (r: Result) => void;
}): ReactElement {
  const actions = useActions();
  const client = useClient();
  const [form, setForm] = useState<SettingsForm>(() => toForm(settings));
  const [errors, setErrors] = useState<FormErrors>({});
  const [saving, setSaving] = useState(false);
  const overridden = useApp((s) => s.appInfo?.overridden ?? NONE);
  // Only the desktop app has a window to close while the engine goes on.
  const isDesktop = useApp((s) => s.appInfo?.host === 'electron');
  const [browserSurface] = useState(browserNotificationSurface);
  const [permission, setPermission] = useState<BrowserPermission>(() => browserSurface.permission());
  const embeddedRunning = useApp((s) => s.appInfo?.embeddedTracker.running ?? false);
  const flagHint = (key: (typeof overridden)[number], normal?: string) =>
    overridden.includes(key) ? FLAG_HINT : normal;
  const set = <K extends keyof SettingsForm>(key: K, value: SettingsForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setResult(null);
  };
  const dirty = JSON.stringify(form) !== JSON.stringify(toForm(settings));
  const save = async () => {
    const parsed = fromForm(form);
    setErrors(parsed.errors);
    if (!parsed.settings) {
      // Bring the first invalid field into view and focus: the sticky Save bar must not
      // hide the error the user has to fix (.settings-scroll keeps room below focus).
      requestAnimationFrame(() =>
        document.querySelector<HTMLElement>('.settings-form [aria-invalid="true"]')?.focus(),
      );
      return;
    }
    setSaving(true);
    const r = await actions.saveSettings(parsed.settings);
    setSaving(false);
    if (r.error) setResult({ tone: 'error', text: r.error });
    else
      setResult({
        tone: 'ok',
        text:
          r.restartRequired.length > 0
            ? r.restartRequired.includes('peerPort')
              ? 'Saved. The new peer port is used after Swarmdrop restarts.'
              : 'Saved. The DHT change applies after Swarmdrop restarts.'
            : 'Saved.',
      });
  };
  const input = (key: Exclude<TextKey, 'trackers' | 'dhtBootstrap'>, extra: Record<string, string> = {}) => (
    <input
      className={`input${errors[key] ? ' invalid' : ''}`}
      name={key}
      value={form[key]}
      aria-invalid={errors[key] !== undefined}
      onChange={(e) => set(key, e.target.value)}
      {...extra}
    />
  );
  const textArea = (key: 'trackers' | 'dhtBootstrap', placeholder: string) => (
    <textarea
      className={`input mono${errors[key] ? ' invalid' : ''}`}
      name={key}
      rows={3}
      value={form[key]}
      spellCheck={false}
      aria-invalid={errors[key] !== undefined}
      onChange={(e) => set(key, e.target.value)}
      placeholder={placeholder}
    />
  );
  const check = (key: CheckKey, label: string, onCheck?: (checked: boolean) => void) => (
    <label className="check">
      <input
        type="checkbox"
        name={key}
        checked={form[key]}
        onChange={(e) => {
          set(key, e.target.checked);
          onCheck?.(e.target.checked);
        }}
      />
      <span>{label}</span>
    </label>
  );
  return (
    <form
      className="settings-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <section className="card">
        <h2 className="card-title">Downloads</h2>
        <Field label="Download folder" hint={flagHint('downloadDir')} error={errors.downloadDir}>
          <div className="input-row">
            {input('downloadDir', { spellCheck: 'false' })}
            {client.kind === 'electron' && (
              <Button
                icon="folder"
                onClick={async () => {
                  const [dir] = await actions.pickPaths('download-dir');
                  if (dir) set('downloadDir', dir);
                }}
              >
                Choose…
              </Button>
            )}
          </div>
        </Field>
        <div className="grid-2">
          <Field label="Download limit (KiB/s)" hint="Empty = no limit" error={errors.downloadKiBps}>
            {input('downloadKiBps', { inputMode: 'decimal', placeholder: 'No limit' })}
          </Field>
          <Field label="Upload limit (KiB/s)" hint="Empty = no limit" error={errors.uploadKiBps}>
            {input('uploadKiBps', { inputMode: 'decimal', placeholder: 'No limit' })}
          </Field>
        </div>
        {check('notifyOnComplete', 'Notify me when a download completes', (checked) => {
          // Browsers ask only in answer to a click: this one.
          if (!isDesktop && checked && browserSurface.permission() === 'default')
            void browserSurface.requestPermission().then(setPermission);
        })}
        {!isDesktop && form.notifyOnComplete && (
          <BrowserPermissionNote
            permission={permission}
            onAllow={() => void browserSurface.requestPermission().then(setPermission)}
          />
        )}
        {isDesktop &&
          check(
            'keepSharingWhenClosed',
            'Keep sharing when the window is closed (Swarmdrop stays in the tray; Quit from there)',
          )}
      </section>

      <section className="card">
        <h2 className="card-title">Network</h2>
        <Field
          label="Peer port"
          hint={flagHint('peerPort', 'TCP port other peers connect to. Takes effect after a restart.')}
          error={errors.peerPort}
        >
          {input('peerPort', { inputMode: 'numeric' })}
        </Field>
        <Field
          label="Trackers"
          hint={flagHint(
            'trackers',
            'One address per line, e.g. udp://192.0.2.20:6969. Used for new transfers and for Network search.',
          )}
          error={errors.trackers}
        >
          {textArea('trackers', 'udp://host:6969')}
        </Field>
        <Field label="Encryption" hint={flagHint('encryption', ENCRYPTION_HINT[form.encryption])}>
          <select
            className="input"
            name="encryption"
            value={form.encryption}
            onChange={(e) =>
              set('encryption', ENCRYPTION_MODES.find((m) => m === e.target.value) ?? 'prefer')
            }
          >
            <option value="prefer">Prefer encrypted</option>
            <option value="require">Require encrypted</option>
            <option value="off">Off</option>
          </select>
        </Field>
        {check('utp', 'Use uTP as well as TCP (most other clients try it first)')}
        {overridden.includes('utp') && (
          <p className="field-hint" data-testid="utp-flag-hint">
            {FLAG_HINT}
          </p>
        )}
        {form.utp &&
          check(
            'preferUtp',
            'Try uTP first: it gives way to your other internet traffic, for a little more CPU',
          )}
        {check('dhtEnabled', 'Find peers through the DHT, with no tracker (not for private torrents)')}
        <Field
          label="DHT bootstrap nodes"
          hint={flagHint(
            'dht',
            'One host:port per line: the nodes Swarmdrop joins the DHT through when it knows no other. Takes effect after a restart.',
          )}
          error={errors.dhtBootstrap}
        >
          {textArea('dhtBootstrap', 'host:6881')}
        </Field>
        {check(
          'portMappingEnabled',
          'Port mapping: ask the router (UPnP or NAT-PMP) to let peers outside your network connect',
        )}
        <Field
          label="Router for port mapping"
          hint={flagHint(
            'portMapping',
            'Empty = find it. Or the router’s address (NAT-PMP) or its UPnP description URL. Takes effect after a restart.',
          )}
          error={errors.portMappingGateway}
        >
          {input('portMappingGateway', { spellCheck: 'false', placeholder: 'find automatically' })}
        </Field>
      </section>

      <section className="card">
        <h2 className="card-title">Local network</h2>
        {check('lanListShares', 'List my shares on the local network (except those marked unlisted)')}
        {check('lanNearby', 'Show what others on the local network share (Network → Nearby)')}
        {check('lanLsd', 'Find peers on the local network (Local Service Discovery)')}
        <Field
          label="Network interface"
          hint="The address of the interface to use, or all. Empty = automatic. These take effect after a restart."
          error={errors.lanInterface}
        >
          {input('lanInterface', { spellCheck: 'false', placeholder: 'automatic' })}
        </Field>
        <div className="grid-2">
          <Field label="LSD port (UDP)" error={errors.lanLsdPort}>
            {input('lanLsdPort', { inputMode: 'numeric' })}
          </Field>
          <Field label="Nearby port (UDP)" error={errors.lanNearbyPort}>
            {input('lanNearbyPort', { inputMode: 'numeric' })}
          </Field>
        </div>
      </section>

      <section className="card">
        <h2 className="card-title">Built-in tracker</h2>
        {check('embeddedEnabled', 'Run a tracker so people on your network can find what you share')}
        {overridden.includes('embeddedTracker') && (
          <p className="field-hint" data-testid="tracker-flag-hint">
            This run: {embeddedRunning ? 'on' : 'off'}, set by a command-line flag. The box above is what
            applies when Swarmdrop starts without the flag.
          </p>
        )}
        <Field label="Tracker port (UDP)" hint={flagHint('embeddedTracker')} error={errors.embeddedPort}>
          {input('embeddedPort', { inputMode: 'numeric' })}
        </Field>
        <Field
          label="Address in shared links"
          hint={flagHint(
            'advertiseHost',
            'The address other people reach this computer at, written into what you share. Empty = automatic.',
          )}
          error={errors.embeddedAdvertiseHost}
        >
          {input('embeddedAdvertiseHost', { spellCheck: 'false', placeholder: 'automatic' })}
        </Field>
        <TrackerAddress />
      </section>

      <section className="card">
        <h2 className="card-title">Appearance</h2>
        <div className="segmented" role="radiogroup" aria-label="Theme">
          {(['system', 'light', 'dark'] as const).map((t) => (
            <label key={t} className={`segment${form.theme === t ? ' active' : ''}`}>
              <input
                type="radio"
                name="theme"
                value={t}
                checked={form.theme === t}
                onChange={() => set('theme', t)}
              />
              {t === 'system' ? 'System' : t === 'light' ? 'Light' : 'Dark'}
            </label>
          ))}
        </div>
      </section>

      <div className={`form-footer${dirty ? ' dirty' : ''}`}>
        {result && (
          <span
            className={result.tone === 'ok' ? 'ok-text' : 'field-error'}
            role={result.tone === 'error' ? 'alert' : 'status'}
          >
            {result.tone === 'ok' ? <Icon name="check" size={14} /> : <Icon name="alert" size={14} />}{' '}
            {result.text}
          </span>
        )}
        <Button
          variant="ghost"
          disabled={!dirty}
          onClick={() => (setForm(toForm(settings)), setErrors({}), setResult(null))}
        >
          Revert
        </Button>
        <Button type="submit" variant="primary" disabled={saving || !dirty}>
          {saving ? 'Saving…' : 'Save settings'}
        </Button>
      </div>
    </form>
  );
}

export function SettingsView(): ReactElement {
  const settings = useApp((s) => s.settings);
  const info = useApp((s) => s.appInfo);
  const [key, setKey] = useState(0);
  const [result, setResult] = useState<Result>(null);
  // Settings changed elsewhere (another tab): start the form again from them.
  useEffect(() => setKey((k) => k + 1), [settings]);
  return (
    <section className="view settings-view" aria-label="Settings">
      <div className="toolbar">
        <h1 className="view-title">Settings</h1>
      </div>
      <div className="settings-scroll">
        {settings ? (
          <SettingsEditor key={key} settings={settings} result={result} setResult={setResult} />
        ) : (
          <p className="muted pad">Loading…</p>
        )}
        {info && (
          <p className="muted small about">
            Swarmdrop {info.version} · data in <span className="mono">{info.dataDir}</span>
          </p>
        )}
      </div>
    </section>
  );
}
