// BEP 20 peer ids: ours is Azureus-style `-SW0100-` + 12 random printable bytes (`SD` is
// taken by Xunlei/Thunder in every client's table, and some trackers ban it), and
// `clientNameFromPeerId` names the client behind a remote peer id (Azureus style
// `-XXvvvv-`, Shadow style `Xvvvvv---`, Mainline `M1-2-3--`) for the peers view.

export const DEFAULT_PEER_ID_PREFIX = '-SW0100-';
const PRINTABLE = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A 20-byte peer id: `prefix` (ASCII, ≤ 20 bytes) followed by random [0-9A-Za-z]. */
export function generatePeerId(
  prefix: string = DEFAULT_PEER_ID_PREFIX,
  random: () => number = Math.random,
): Uint8Array {
  const head = new TextEncoder().encode(prefix);
  if (head.length > 20) throw new RangeError('peer id prefix longer than 20 bytes');
  const out = new Uint8Array(20);
  out.set(head, 0);
  for (let i = head.length; i < 20; i++)
    out[i] = PRINTABLE.charCodeAt(Math.floor(random() * PRINTABLE.length));
  return out;
}

const AZUREUS: Record<string, string> = {
  AG: 'Ares',
  AR: 'Arctic',
  AT: 'Artemis',
  AX: 'BitPump',
  AZ: 'Vuze',
  BB: 'BitBuddy',
  BC: 'BitComet',
  BF: 'Bitflu',
  BI: 'BiglyBT',
  BT: 'BitTorrent',
  BW: 'BitWombat',
  CD: 'Enhanced CTorrent',
  DE: 'Deluge',
  FD: 'Free Download Manager',
  FG: 'FlashGet',
  FL: 'Folx',
  FW: 'FrostWire',
  HL: 'Halite',
  KT: 'KTorrent',
  LT: 'libtorrent (Rasterbar)',
  lt: 'libtorrent (rakshasa)',
  LW: 'LimeWire',
  ML: 'MLDonkey',
  MO: 'MonoTorrent',
  PI: 'PicoTorrent',
  qB: 'qBittorrent',
  QD: 'QQDownload',
  RT: 'Retriever',
  SD: 'Xunlei',
  SW: 'Swarmdrop',
  SZ: 'Shareaza',
  TL: 'Tribler',
  TR: 'Transmission',
  TT: 'TuoTu',
  UM: 'µTorrent for Mac',
  UT: 'µTorrent',
  UW: 'µTorrent Web',
  WD: 'WebTorrent Desktop',
  WW: 'WebTorrent',
  XL: 'Xunlei',
  XX: 'Xtorrent',
  ZT: 'ZipTorrent',
  A2: 'aria2',
  '7T': 'aTorrent',
};

const SHADOW: Record<string, string> = {
  A: 'ABC',
  O: 'Osprey Permaseed',
  Q: 'BTQueue',
  R: 'Tribler',
  S: 'Shadow',
  T: 'BitTornado',
  U: 'UPnP NAT Bit Torrent',
};

const SHADOW_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.-';

const isAlnum = (c: string) => /^[0-9A-Za-z]$/.test(c);
/** An Azureus version character: 0-9, then A-Z as 10-35 (e.g. libtorrent's `0D80` = 0.13.8). */
const azDigit = (c: string): number =>
  /[0-9]/.test(c) ? Number(c) : /[A-Z]/.test(c) ? c.charCodeAt(0) - 55 : -1;

function azureusVersion(code: string, v: string): string {
  const d = [...v].map(azDigit);
  if (code === 'TR') {
    // Transmission: up to 2.x/3.x "major minor minor flag" (3.00, 2.94); from 4.0 major.minor.patch.
    if (d[0]! >= 4) return `${v[0]}.${v[1]}.${v[2]}${v[3] === 'B' ? ' beta' : v[3] === 'Z' ? ' dev' : ''}`;
    return `${v[0]}.${v.slice(1, 3)}${v[3] === 'Z' ? '+' : ''}`;
  }
  if (code === 'WW' || code === 'WD') return `${Number(v.slice(0, 2))}.${Number(v.slice(2, 4))}`;
  if (code === 'UT' || code === 'UM' || code === 'UW') return d.slice(0, 3).join('.');
  const parts = d.filter((n) => n >= 0);
  while (parts.length > 2 && parts[parts.length - 1] === 0) parts.pop();
  return parts.join('.');
}

/** A display name such as "Transmission 3.00", or "Unknown". */
export function clientNameFromPeerId(peerId: Uint8Array): string {
  if (peerId.length !== 20) return 'Unknown';
  const text = new TextDecoder('latin1').decode(peerId);

  // Azureus style: -XXvvvv-
  if (text[0] === '-' && text[7] === '-') {
    const code = text.slice(1, 3);
    const version = text.slice(3, 7);
    const name = AZUREUS[code];
    if (name !== undefined)
      return [...version].every((c) => azDigit(c) >= 0) ? `${name} ${azureusVersion(code, version)}` : name;
    if (isAlnum(code[0]!) && isAlnum(code[1]!)) return `Unknown (${code})`;
  }

  // Mainline: M4-3-6-- / M10-1-2-
  const mainline = /^M(\d{1,2})-(\d{1,2})-(\d{1,2})-/.exec(text);
  if (mainline) return `Mainline ${mainline[1]}.${mainline[2]}.${mainline[3]}`;

  // Shadow style: one letter, up to five version digits, then '-' padding ("S58B-----").
  const shadow = SHADOW[text[0]!];
  if (shadow !== undefined && /^[A-Za-z][0-9A-Za-z.-]{5}-{3}/.test(text)) {
    const digits = [...text.slice(1, 6)]
      .filter((c) => c !== '-')
      .map((c) => SHADOW_DIGITS.indexOf(c))
      .filter((n) => n >= 0);
    return `${shadow} ${digits.join('.')}`;
  }
  return 'Unknown';
}
