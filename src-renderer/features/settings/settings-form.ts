/**
 * The settings form's model, pure: settings ↔ the strings in the inputs, and the
 * checks that give each field its own message (errors shown where they happened).
 */
import {
  ADVERTISE_HOST_MAX_LENGTH,
  ADVERTISE_HOST_PATTERN,
  NAT_GATEWAY_MAX_LENGTH,
  NAT_GATEWAY_PATTERN,
  type EncryptionMode,
  type Settings,
  type Theme,
} from '../../../src-shared/types/settings.ts';

export interface SettingsForm {
  downloadDir: string;
  peerPort: string;
  trackers: string;
  embeddedEnabled: boolean;
  embeddedPort: string;
  /** Empty = 'auto'. */
  embeddedAdvertiseHost: string;
  downloadKiBps: string;
  uploadKiBps: string;
  encryption: EncryptionMode;
  theme: Theme;
  notifyOnComplete: boolean;
  keepSharingWhenClosed: boolean;
  portMappingEnabled: boolean;
  /** Empty = discover the router. */
  portMappingGateway: string;
}

export type FormErrors = Partial<Record<keyof SettingsForm, string>>;

export function toForm(s: Settings): SettingsForm {
  return {
    downloadDir: s.downloadDir,
    peerPort: String(s.peerPort),
    trackers: s.trackers.join('\n'),
    embeddedEnabled: s.embeddedTracker.enabled,
    embeddedPort: String(s.embeddedTracker.port),
    embeddedAdvertiseHost: s.embeddedTracker.advertiseHost === 'auto' ? '' : s.embeddedTracker.advertiseHost,
    downloadKiBps: s.rateLimits.downloadBps === 0 ? '' : String(Math.round(s.rateLimits.downloadBps / 1024)),
    uploadKiBps: s.rateLimits.uploadBps === 0 ? '' : String(Math.round(s.rateLimits.uploadBps / 1024)),
    encryption: s.encryption,
    theme: s.theme,
    notifyOnComplete: s.notifyOnComplete,
    keepSharingWhenClosed: s.keepSharingWhenClosed,
    portMappingEnabled: s.portMapping.enabled,
    portMappingGateway: s.portMapping.gateway,
  };
}

function port(text: string, errors: FormErrors, key: keyof SettingsForm): number {
  const t = text.trim();
  if (!/^\d{1,5}$/.test(t) || Number(t) < 1 || Number(t) > 65535) {
    errors[key] = 'A port is a whole number from 1 to 65535.';
    return 0;
  }
  return Number(t);
}

function rate(text: string, errors: FormErrors, key: keyof SettingsForm): number {
  const t = text.trim();
  if (t === '' || t === '0') return 0;
  if (!/^\d+(\.\d+)?$/.test(t)) {
    errors[key] = 'Enter KiB/s as a number, or leave empty for no limit.';
    return 0;
  }
  return Math.round(Number(t) * 1024);
}

export function fromForm(f: SettingsForm): { settings: Omit<Settings, never> | null; errors: FormErrors } {
  const errors: FormErrors = {};
  const trackers = f.trackers
    .split(/\s+/)
    .map((t) => t.trim())
    .filter(Boolean);
  const badTracker = trackers.find((t) => !/^(udp|https?):\/\/[^\s/]+/i.test(t));
  if (badTracker)
    errors.trackers = `“${badTracker}” is not a tracker address. Use udp://host:port or http://host/announce.`;
  if (f.downloadDir.trim() === '') errors.downloadDir = 'Choose a folder for downloads.';
  const advertiseHost = f.embeddedAdvertiseHost.trim() || 'auto';
  if (advertiseHost.length > ADVERTISE_HOST_MAX_LENGTH || !ADVERTISE_HOST_PATTERN.test(advertiseHost)) {
    errors.embeddedAdvertiseHost =
      'Enter an address such as 192.0.2.20 or a host name, without udp:// or a port; leave empty for automatic.';
  }
  const gateway = f.portMappingGateway.trim();
  if (gateway.length > NAT_GATEWAY_MAX_LENGTH || !NAT_GATEWAY_PATTERN.test(gateway)) {
    errors.portMappingGateway =
      'Enter the router’s address (192.168.1.1) or its UPnP description URL (http://…); leave empty to find it.';
  }
  const settings: Settings = {
    downloadDir: f.downloadDir.trim(),
    peerPort: port(f.peerPort, errors, 'peerPort'),
    trackers: [...new Set(trackers)],
    embeddedTracker: {
      enabled: f.embeddedEnabled,
      port: port(f.embeddedPort, errors, 'embeddedPort'),
      advertiseHost,
    },
    encryption: f.encryption,
    rateLimits: {
      downloadBps: rate(f.downloadKiBps, errors, 'downloadKiBps'),
      uploadBps: rate(f.uploadKiBps, errors, 'uploadKiBps'),
    },
    theme: f.theme,
    notifyOnComplete: f.notifyOnComplete,
    keepSharingWhenClosed: f.keepSharingWhenClosed,
    portMapping: { enabled: f.portMappingEnabled, gateway },
  };
  return Object.keys(errors).length > 0 ? { settings: null, errors } : { settings, errors };
}
