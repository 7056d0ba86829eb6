/**
 * The settings form's model, pure: settings ↔ the strings in the inputs, and the
 * checks that give each field its own message (errors shown where they happened).
 */
import {
  ADVERTISE_HOST_MAX_LENGTH,
  ADVERTISE_HOST_PATTERN,
  isDhtNodeAddress,
  LAN_INTERFACE_PATTERN,
  NAT_GATEWAY_MAX_LENGTH,
  NAT_GATEWAY_PATTERN,
  type EncryptionMode,
  type LanSettings,
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
  utp: boolean;
  preferUtp: boolean;
  theme: Theme;
  notifyOnComplete: boolean;
  keepSharingWhenClosed: boolean;
  dhtEnabled: boolean;
  /** One `host:port` per line. */
  dhtBootstrap: string;
  lanLsd: boolean;
  lanNearby: boolean;
  lanListShares: boolean;
  /** Empty = 'auto'. */
  lanInterface: string;
  lanLsdPort: string;
  lanNearbyPort: string;
  /** Not edited in the form; kept as they are. */
  lanGroups: Pick<LanSettings, 'lsdIpv4Group' | 'lsdIpv6Group'>;
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
    utp: s.utp,
    preferUtp: s.preferUtp,
    theme: s.theme,
    notifyOnComplete: s.notifyOnComplete,
    keepSharingWhenClosed: s.keepSharingWhenClosed,
    dhtEnabled: s.dhtEnabled,
    dhtBootstrap: s.dhtBootstrap.join('\n'),
    lanLsd: s.lan.lsd,
    lanNearby: s.lan.nearby,
    lanListShares: s.lan.listShares,
    lanInterface: s.lan.interfaceAddress === 'auto' ? '' : s.lan.interfaceAddress,
    lanLsdPort: String(s.lan.lsdPort),
    lanNearbyPort: String(s.lan.nearbyPort),
    lanGroups: { lsdIpv4Group: s.lan.lsdIpv4Group, lsdIpv6Group: s.lan.lsdIpv6Group },
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
  const dhtBootstrap = f.dhtBootstrap
    .split(/\s+/)
    .map((t) => t.trim())
    .filter(Boolean);
  const badNode = dhtBootstrap.find((t) => !isDhtNodeAddress(t));
  if (badNode)
    errors.dhtBootstrap = `“${badNode}” is not a DHT node address. Use host:port, e.g. dht.example.org:6881.`;
  else if (dhtBootstrap.length > 32) errors.dhtBootstrap = 'At most 32 bootstrap nodes.';
  if (f.downloadDir.trim() === '') errors.downloadDir = 'Choose a folder for downloads.';
  const advertiseHost = f.embeddedAdvertiseHost.trim() || 'auto';
  if (advertiseHost.length > ADVERTISE_HOST_MAX_LENGTH || !ADVERTISE_HOST_PATTERN.test(advertiseHost)) {
    errors.embeddedAdvertiseHost =
      'Enter an address such as 192.0.2.20 or a host name, without udp:// or a port; leave empty for automatic.';
  }
  const lanInterface = f.lanInterface.trim() || 'auto';
  if (!LAN_INTERFACE_PATTERN.test(lanInterface))
    errors.lanInterface =
      'Enter an address of this computer such as 192.0.2.20, or all; leave empty for automatic.';
  const gateway = f.portMappingGateway.trim();
  if (gateway.length > NAT_GATEWAY_MAX_LENGTH || !NAT_GATEWAY_PATTERN.test(gateway)) {
    errors.portMappingGateway =
      'Enter the router’s address (e.g. 192.0.2.1) or its UPnP description URL (http://…); leave empty to find it.';
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
    utp: f.utp,
    preferUtp: f.preferUtp,
    rateLimits: {
      downloadBps: rate(f.downloadKiBps, errors, 'downloadKiBps'),
      uploadBps: rate(f.uploadKiBps, errors, 'uploadKiBps'),
    },
    theme: f.theme,
    notifyOnComplete: f.notifyOnComplete,
    keepSharingWhenClosed: f.keepSharingWhenClosed,
    dhtEnabled: f.dhtEnabled,
    dhtBootstrap: [...new Set(dhtBootstrap)],
    lan: {
      lsd: f.lanLsd,
      nearby: f.lanNearby,
      listShares: f.lanListShares,
      interfaceAddress: lanInterface,
      ...f.lanGroups,
      lsdPort: port(f.lanLsdPort, errors, 'lanLsdPort'),
      nearbyPort: port(f.lanNearbyPort, errors, 'lanNearbyPort'),
    },
    portMapping: { enabled: f.portMappingEnabled, gateway },
  };
  return Object.keys(errors).length > 0 ? { settings: null, errors } : { settings, errors };
}
