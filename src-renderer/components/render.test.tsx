// Component tests without a DOM: render to static HTML with a real store and a
// scripted client (renderer tests only), and check what the user would read.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { RendererClient } from '../transport/renderer-client.ts';
import { AppContext } from '../app-context.tsx';
import { createAppStore, type AppState } from '../store/app-store.ts';
import { createActions } from '../store/actions.ts';
import { replaceTorrents } from '../store/torrents-model.ts';
import { summary } from '../store/test-fixtures.ts';
import { TransferRow } from '../features/transfers/transfer-row.tsx';
import { DropZone } from '../features/first-run/drop-zone.tsx';
import { StatusBar } from './status-bar.tsx';
import { metadataWaitText } from '../features/transfers/metadata-wait.tsx';
import { ReachabilityLine } from '../features/network/reachability-line.tsx';
import { PORT_MAPPING_OFF } from '../../src-shared/types/port-mapping.ts';
import { RemoveDialog, ShortcutsDialog } from '../features/transfers/dialogs.tsx';
import { AccessNeeded } from './access-needed.tsx';
import { NearbySection } from '../features/network/nearby-section.tsx';
import type { ReactElement } from 'react';

const client: RendererClient = {
  kind: 'websocket',
  invoke: (() => Promise.reject(new Error('not in this test'))) as RendererClient['invoke'],
  on: () => () => undefined,
  onConnection: () => () => undefined,
  pathForFile: () => null,
};

/** Server rendering reads the store's initial state, so the test state goes in there. */
function render(
  ui: ReactElement,
  setup: (store: { setState(s: Partial<AppState>): void }) => void = () => undefined,
): string {
  let state: Partial<AppState> = {};
  setup({ setState: (s) => (state = { ...state, ...s }) });
  const store = createAppStore(state);
  return renderToStaticMarkup(
    <AppContext.Provider value={{ store, client, actions: createActions(store, client) }}>
      {ui}
    </AppContext.Provider>,
  );
}

const ID = 'a'.repeat(40);

describe('TransferRow', () => {
  it('shows name, progress, state, rates, peers and ratio', () => {
    const html = render(<TransferRow id={ID} />, (s) =>
      s.setState({
        torrents: replaceTorrents([
          summary(ID, {
            name: 'movie.mkv',
            progress: 0.425,
            verifiedBytes: 425 * 1024,
            totalBytes: 1000 * 1024,
            downRateBps: 2048,
            peers: 3,
            seeds: 1,
            etaSec: 65,
            ratio: 0.5,
          }),
        ]),
      }),
    );
    expect(html).toContain('movie.mkv');
    expect(html).toContain('42.5%');
    expect(html).toContain('aria-valuenow="42.5"');
    expect(html).toContain('Downloading');
    expect(html).toContain('2.00 KiB/s');
    expect(html).toContain('ETA 1m 5s');
    expect(html).toContain('ratio 0.50');
    expect(html).toContain('Pause movie.mkv');
  });

  it('a paused torrent offers Resume; an error is shown on the row in words', () => {
    const html = render(<TransferRow id={ID} />, (s) =>
      s.setState({
        torrents: replaceTorrents([summary(ID, { state: 'paused' })]),
        torrentErrors: { [ID]: 'The disk is full.' },
      }),
    );
    expect(html).toContain(`Resume file-${ID}`);
    expect(html).toContain('role="alert"');
    expect(html).toContain('The disk is full.');
  });

  it('renders nothing for an unknown id', () => {
    expect(render(<TransferRow id={ID} />)).toBe('');
  });
});

describe('DropZone (first run)', () => {
  it('invites a drop and shows the tracker address to give out', () => {
    const html = render(<DropZone />, (s) =>
      s.setState({
        appInfo: {
          version: '0.1.0',
          host: 'daemon',
          listeningPort: 6881,
          embeddedTracker: {
            running: true,
            port: 6969,
            shareAddresses: ['udp://192.168.1.20:6969', 'udp://10.0.0.2:6969'],
            error: null,
          },
          overridden: [],
          trackers: [],
          dataDir: '/d',
          downloadDir: '/d/dl',
          shareDir: '/d/shared',
        },
      }),
    );
    expect(html).toContain('Drop files or folders to share');
    expect(html).toContain('udp://192.168.1.20:6969');
    expect(html).toContain('Copy');
    expect(html).toContain('Also reachable at udp://10.0.0.2:6969');
  });

  it('says why the tracker is not running', () => {
    const html = render(<DropZone />, (s) =>
      s.setState({
        appInfo: {
          version: '0.1.0',
          host: 'daemon',
          listeningPort: 6881,
          embeddedTracker: {
            running: false,
            port: null,
            shareAddresses: [],
            error: 'port 6969 is already used by another program',
          },
          overridden: [],
          trackers: [],
          dataDir: '/d',
          downloadDir: '/d/dl',
          shareDir: '/d/shared',
        },
      }),
    );
    expect(html).toContain('port 6969 is already used');
  });
});

describe('StatusBar', () => {
  it('shows totals, peers, tracker state and the listening port', () => {
    const html = render(<StatusBar />, (s) =>
      s.setState({
        connection: 'open',
        status: {
          downRateBps: 1024 * 1024,
          upRateBps: 0,
          connectedPeers: 4,
          listeningPort: 6881,
          torrentCount: 2,
          trackerState: 'error',
          trackerError: null,
          restoring: null,
          dhtNodes: 1,
          portMapping: PORT_MAPPING_OFF,
        },
        trackerError: 'The tracker did not answer.',
      }),
    );
    expect(html).toContain('1.00 MiB/s');
    expect(html).toContain('4 peers');
    expect(html).toContain('Tracker not answering: The tracker did not answer.');
    expect(html).toContain('Listening on port 6881');
    expect(html).toContain('DHT: 1 node');
  });

  it('shows no DHT item when the DHT is off', () => {
    const html = render(<StatusBar />, (s) =>
      s.setState({
        connection: 'open',
        status: {
          downRateBps: 0,
          upRateBps: 0,
          connectedPeers: 0,
          listeningPort: 6881,
          torrentCount: 0,
          trackerState: 'none',
          trackerError: null,
          restoring: null,
          dhtNodes: null,
          portMapping: PORT_MAPPING_OFF,
        },
      }),
    );
    expect(html).not.toContain('DHT');
  });

  it('says "Port mapped" with the outside address while no outside peer came in yet', () => {
    const html = render(<StatusBar />, (s) =>
      s.setState({
        connection: 'open',
        status: {
          downRateBps: 0,
          upRateBps: 0,
          connectedPeers: 0,
          listeningPort: 6881,
          torrentCount: 0,
          trackerState: 'none',
          trackerError: null,
          restoring: null,
          dhtNodes: null,
          portMapping: {
            state: 'mapped',
            reachable: 'mapped',
            method: 'upnp',
            gateway: '192.168.1.1',
            externalAddress: '203.0.113.5',
            externalPort: 6881,
            renewedAtMs: 0,
            error: null,
          },
        },
      }),
    );
    expect(html).toContain('Port mapped · 203.0.113.5:6881');
    // The tooltip says what "mapped" does not prove.
    expect(html).toContain('no outside peer seen yet');
  });

  it('says "reachable from outside" only once an outside peer came in', () => {
    const html = render(<StatusBar />, (s) =>
      s.setState({
        connection: 'open',
        status: {
          downRateBps: 0,
          upRateBps: 0,
          connectedPeers: 1,
          listeningPort: 6881,
          torrentCount: 1,
          trackerState: 'ok',
          trackerError: null,
          restoring: null,
          dhtNodes: null,
          portMapping: {
            state: 'mapped',
            reachable: 'yes',
            method: 'natpmp',
            gateway: '192.168.1.1',
            externalAddress: '203.0.113.5',
            externalPort: 6881,
            renewedAtMs: 0,
            error: null,
          },
        },
      }),
    );
    expect(html).toContain('Reachable from outside · 203.0.113.5:6881');
    expect(html).not.toContain('Port mapped');
  });

  it('shows how many torrents of the last run are back while they are restored, and nothing after', () => {
    const status = {
      downRateBps: 0,
      upRateBps: 0,
      connectedPeers: 0,
      listeningPort: 6881,
      torrentCount: 412,
      trackerState: 'idle' as const,
      trackerError: null,
      restoring: null,
      dhtNodes: null,
      portMapping: PORT_MAPPING_OFF,
    };
    const during = render(<StatusBar />, (s) =>
      s.setState({ connection: 'open', status: { ...status, restoring: { restored: 412, total: 1000 } } }),
    );
    expect(during).toContain('Restoring 412 / 1000');
    const after = render(<StatusBar />, (s) =>
      s.setState({ connection: 'open', status: { ...status, restoring: null } }),
    );
    expect(after).not.toContain('Restoring');
  });

  it('says when the connection is lost', () => {
    expect(render(<StatusBar />, (s) => s.setState({ connection: 'reconnecting' }))).toContain(
      'Connecting to Swarmdrop',
    );
  });
});

describe('dialogs', () => {
  it('the shortcuts list shows the keys this host uses, and has a Close button', () => {
    const html = render(<ShortcutsDialog />);
    expect(html).toContain('<kbd>O</kbd>');
    expect(html).not.toContain('Ctrl+O');
    expect(html).toContain('aria-label="Close"');
  });

  it('removing with files says which files go, not the whole folder', () => {
    const html = render(<RemoveDialog id={ID} />, (s) =>
      s.setState({
        torrents: replaceTorrents([summary(ID, { name: 'movie.mkv', savePath: '/home/me/Downloads' })]),
      }),
    );
    expect(html).toContain('Also delete its downloaded files');
    expect(html).toContain('nothing else in that folder');
  });
});

describe('a magnet waiting for its info', () => {
  it('says who is asked and for how long, instead of only "Finding info"', () => {
    const html = render(<TransferRow id={ID} />, (s) =>
      s.setState({
        torrents: replaceTorrents([
          summary(ID, { state: 'fetching-metadata', peers: 0, addedAt: Date.now() - 90_000 }),
        ]),
      }),
    );
    expect(html).toContain('looking for peers through its trackers, for 1m 30s');
    expect(html).toContain('Nobody sharing it has been found yet');
    expect(html).toContain('Cancel');
  });

  it('counts the peers it asks', () => {
    const html = render(<TransferRow id={ID} />, (s) =>
      s.setState({
        torrents: replaceTorrents([
          summary(ID, { state: 'fetching-metadata', peers: 2, addedAt: Date.now() - 5_000 }),
        ]),
      }),
    );
    expect(html).toContain('asking 2 connected peers');
    expect(html).not.toContain('Nobody sharing it');
  });
});

describe('AccessNeeded', () => {
  it('says plainly which address to open instead of spinning on Connecting…', () => {
    const html = render(<AccessNeeded origin="http://127.0.0.1:9080" />);
    expect(html).toContain(
      'This page needs the address with its access token, as printed by `swarmdrop daemon`.',
    );
    expect(html).toContain('http://127.0.0.1:9080/?token=…');
    expect(html).not.toContain('Connecting');
  });
});

describe('NearbySection (Network tab)', () => {
  const appInfo = (nearby: boolean): AppState['appInfo'] => ({
    version: '0.1.0',
    host: 'daemon',
    listeningPort: 6881,
    embeddedTracker: { running: false, port: null, shareAddresses: [], error: null },
    overridden: [],
    trackers: [],
    dataDir: '/d',
    downloadDir: '/d/dl',
    shareDir: '/d/shared',
    lan: { lsd: nearby, nearby, interfaceAddress: nearby ? 'all' : null },
  });
  const share = (who: string, host: string) => ({
    infoHashHex: 'ab'.repeat(20),
    name: 'holiday photos',
    totalBytes: 3 * 1024 * 1024,
    who,
    host,
    peerPort: 6881,
  });

  it('lists a share once with every machine that has it, and a Download button', () => {
    const html = render(<NearbySection query="" />, (s) =>
      s.setState({ appInfo: appInfo(true), nearby: [share('alice', '10.0.0.1'), share('bob', '10.0.0.2')] }),
    );
    expect(html).toContain('holiday photos');
    expect(html).toContain('alice, bob');
    expect(html).toContain('3.00 MiB');
    expect(html).toContain('aria-label="Download holiday photos"');
  });

  it('says it is not looking on the LAN when the host does not listen to it', () => {
    const html = render(<NearbySection query="" />, (s) => s.setState({ appInfo: appInfo(false) }));
    expect(html).toContain('Not looking on the local network this run');
    expect(html).not.toContain('Nothing shared by other Swarmdrops');
  });
});

describe('ReachabilityLine (Network)', () => {
  const status = {
    downRateBps: 0,
    upRateBps: 0,
    connectedPeers: 0,
    listeningPort: 6881,
    torrentCount: 0,
    trackerState: 'none' as const,
    trackerError: null,
    restoring: null,
    dhtNodes: null,
  };
  it('says "probably" with the outside address while only the router vouches for the port', () => {
    const html = render(<ReachabilityLine />, (s) =>
      s.setState({
        status: {
          ...status,
          portMapping: {
            state: 'mapped',
            reachable: 'mapped',
            method: 'natpmp',
            gateway: '192.168.1.1',
            externalAddress: '203.0.113.5',
            externalPort: 6881,
            renewedAtMs: 0,
            error: null,
          },
        },
      }),
    );
    expect(html).toContain('Reachable from outside: probably');
    expect(html).toContain('NAT-PMP');
    expect(html).toContain('203.0.113.5:6881');
  });

  it('says "unknown" and why when no router answered', () => {
    const html = render(<ReachabilityLine />, (s) =>
      s.setState({
        status: {
          ...status,
          portMapping: {
            state: 'no-gateway',
            reachable: 'unknown',
            method: null,
            gateway: null,
            externalAddress: null,
            externalPort: null,
            renewedAtMs: null,
            error: 'no router answered for UPnP or NAT-PMP',
          },
        },
      }),
    );
    expect(html).toContain('Reachable from outside: unknown — no router answered for UPnP or NAT-PMP.');
    expect(html).not.toContain('Outside address');
  });
});

describe('metadataWaitText', () => {
  it('names the DHT among the places it looks when the DHT runs', () => {
    expect(metadataWaitText(0, 90, true)).toBe(
      "Getting the torrent's info: looking for peers through its trackers and the DHT, for 1m 30s",
    );
    expect(metadataWaitText(0, 90)).toBe(
      "Getting the torrent's info: looking for peers through its trackers, for 1m 30s",
    );
  });
});
