// @vitest-environment happy-dom
// Error boundaries act only when React renders into a DOM (server rendering, which the other
// renderer tests use, rethrows), so these tests mount into happy-dom's document.
import { act, type ReactElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorBoundary } from './error-boundary.tsx';
import { AppContext } from '../app-context.tsx';
import { createAppStore } from '../store/app-store.ts';
import { createActions } from '../store/actions.ts';
import { replaceTorrents } from '../store/torrents-model.ts';
import { summary } from '../store/test-fixtures.ts';
import type { RendererClient } from '../transport/renderer-client.ts';
import type { TorrentDetail } from '../../src-shared/types/torrent.ts';
import { TransferRow } from '../features/transfers/transfer-row.tsx';
import { DetailPanel } from '../features/detail/detail-panel.tsx';

// Tells React that these tests wrap their updates in act(), so it flushes them there.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLElement;
let root: Root;
let consoleError: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  // The boundary logs what it catches; kept out of the test output, and read by one test.
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
  consoleError.mockRestore();
});

function render(ui: ReactElement): void {
  act(() => root.render(ui));
}

function click(text: string): void {
  const button = [...container.querySelectorAll('button')].find((b) => b.textContent === text);
  if (!button) throw new Error(`no button "${text}" in: ${container.innerHTML}`);
  act(() => button.click());
}

/** Throws while `fail.now` is set, as a component does with data of a shape it does not know. */
function Fragile({ fail, label }: { fail: { now: boolean }; label: string }): ReactElement {
  if (fail.now) throw new Error("Cannot read properties of undefined (reading 'length')");
  return <p>{label}</p>;
}

describe('ErrorBoundary', () => {
  it('shows the error in the failed part only; the parts beside it stay drawn', () => {
    render(
      <div>
        <nav>Sidebar</nav>
        <ErrorBoundary part="detail panel" resetKey="one">
          <Fragile fail={{ now: true }} label="Details" />
        </ErrorBoundary>
        <footer>Status bar</footer>
      </div>,
    );
    const alert = container.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain(
      "This part of the window failed to draw: Cannot read properties of undefined (reading 'length')",
    );
    expect(container.textContent).toContain('Sidebar');
    expect(container.textContent).toContain('Status bar');
    expect(container.textContent).not.toContain('Details');
  });

  it('logs the error with the part and the component stack', () => {
    render(
      <ErrorBoundary part="detail panel" resetKey="one">
        <Fragile fail={{ now: true }} label="Details" />
      </ErrorBoundary>,
    );
    const logged = consoleError.mock.calls.find((args: unknown[]) =>
      String(args[0]).includes('detail panel failed to draw'),
    );
    expect(logged?.[1]).toBeInstanceOf(Error);
    expect(String(logged?.[2])).toContain('Fragile');
  });

  it('Try again draws the part again', () => {
    const fail = { now: true };
    render(
      <ErrorBoundary part="detail panel" resetKey="one">
        <Fragile fail={fail} label="Details" />
      </ErrorBoundary>,
    );
    expect(container.textContent).toContain('failed to draw');
    fail.now = false;
    click('Try again');
    expect(container.textContent).toBe('Details');
  });

  it('keeps the message while the reset key stays, and clears it when the key changes', () => {
    const fail = { now: true };
    const ui = (key: string) => (
      <ErrorBoundary part="detail panel" resetKey={key}>
        <Fragile fail={fail} label={`Details of ${key}`} />
      </ErrorBoundary>
    );
    render(ui('one'));
    fail.now = false;
    // A newer value of the same thing (the same key) does not retry by itself.
    render(ui('one'));
    expect(container.textContent).toContain('failed to draw');
    render(ui('two'));
    expect(container.textContent).toBe('Details of two');
  });
});

const ID = 'a'.repeat(40);
const client: RendererClient = {
  kind: 'websocket',
  invoke: (() => new Promise(() => undefined)) as RendererClient['invoke'],
  on: () => () => undefined,
  onConnection: () => () => undefined,
  pathForFile: () => null,
};

describe('DetailPanel with a detail from a daemon of another build', () => {
  it('a detail without its events array fails the panel only: the list row stays, and Close works', () => {
    const s = summary(ID, { name: 'movie.mkv' });
    // What an older daemon sends: no `events` (the type says it is always there).
    const detail = {
      summary: s,
      infoHashHex: ID,
      magnet: `magnet:?xt=urn:btih:${ID}`,
      pieceLengthBytes: 16384,
      pieces: { pieceCount: 0, haveBase64: '', downloadingBase64: '', sourcesBase64: '', sourcePeers: [] },
      files: [],
      peers: [],
      trackers: [],
      private: false,
    } as unknown as TorrentDetail;
    const store = createAppStore({ torrents: replaceTorrents([s]), selectedId: ID, detail });
    render(
      <AppContext.Provider value={{ store, client, actions: createActions(store, client) }}>
        <TransferRow id={ID} />
        <DetailPanel id={ID} />
      </AppContext.Provider>,
    );
    const panel = container.querySelector('[aria-label="Transfer details"]');
    expect(panel?.querySelector('[role="alert"]')?.textContent).toContain(
      'This part of the window failed to draw',
    );
    expect(container.querySelector('.transfer-row')?.textContent).toContain('movie.mkv');
    act(() => panel?.querySelector<HTMLButtonElement>('[aria-label="Close details"]')?.click());
    expect(store.getState().selectedId).toBeNull();
  });
});
