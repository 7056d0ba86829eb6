import { useContext, useEffect, type ReactElement } from 'react';
import { AppContext, useActions, useApp, type AppContextValue } from './app-context.tsx';
import { Sidebar } from './components/sidebar.tsx';
import { StatusBar } from './components/status-bar.tsx';
import { Toasts } from './components/toasts.tsx';
import { DropOverlay } from './components/drop-overlay.tsx';
import { AccessNeeded } from './components/access-needed.tsx';
import { Dialog } from './components/dialog.tsx';
import { Button } from './components/button.tsx';
import { ErrorBoundary, PartFailedNotice, type PartFailure } from './components/error-boundary.tsx';
import { TransfersView } from './features/transfers/transfers-view.tsx';
import { NetworkView } from './features/network/network-view.tsx';
import { SettingsView } from './features/settings/settings-view.tsx';
import { MagnetDialog, RemoveDialog, ShortcutsDialog } from './features/transfers/dialogs.tsx';
import { HiddenFileInputs, usePickers } from './features/transfers/file-pickers.tsx';
import { PathPickerDialog } from './features/transfers/path-picker.tsx';
import { ShareDialog } from './features/transfers/share-dialog.tsx';
import { useShortcuts } from './features/transfers/use-shortcuts.ts';
import type { AppState } from './store/app-store.ts';

/** Applies the theme setting; "system" follows the OS and its changes. */
function useTheme(): void {
  const theme = useApp((s) => s.settings?.theme ?? 'system');
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      document.documentElement.dataset.theme =
        theme === 'system' ? (media.matches ? 'dark' : 'light') : theme;
    };
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
}

function Dialogs(): ReactElement | null {
  const dialog = useApp((s) => s.dialog);
  const actions = useActions();
  if (!dialog) return null;
  // A failed dialog keeps its frame, so Escape, the backdrop and Close still dismiss it.
  const inFrame = (failure: PartFailure) => (
    <Dialog
      title="This dialog could not open"
      onClose={actions.closeDialog}
      footer={<Button onClick={actions.closeDialog}>Close</Button>}
    >
      <PartFailedNotice {...failure} />
    </Dialog>
  );
  return (
    <ErrorBoundary part="dialog" resetKey={dialog.kind} renderFallback={inFrame}>
      <OpenDialog dialog={dialog} />
    </ErrorBoundary>
  );
}

function OpenDialog({ dialog }: { dialog: NonNullable<AppState['dialog']> }): ReactElement {
  if (dialog.kind === 'magnet') return <MagnetDialog />;
  if (dialog.kind === 'remove') return <RemoveDialog id={dialog.id} />;
  if (dialog.kind === 'path-picker') return <PathPickerDialog />;
  if (dialog.kind === 'share') return <ShareDialog pending={dialog.pending} />;
  return <ShortcutsDialog />;
}

function Shell(): ReactElement {
  const view = useApp((s) => s.view);
  const ctx = useContext(AppContext)!;
  const actions = useActions();
  const pickers = usePickers();
  useShortcuts(ctx.store, actions, pickers);
  useTheme();
  // While the daemon is away nothing can be done: the views stay visible (last known
  // state) but take no input, and a banner says why, until the connection is back.
  const away = useApp((s) => s.connection === 'reconnecting' || s.connection === 'closed');
  return (
    <div className="app">
      <Sidebar />
      <main className="main">
        {away && <OfflineBanner />}
        <div className="main-body" inert={away}>
          <ErrorBoundary part={`${view} view`} resetKey={view}>
            {view === 'transfers' ? (
              <TransfersView />
            ) : view === 'network' ? (
              <NetworkView />
            ) : (
              <SettingsView />
            )}
          </ErrorBoundary>
        </div>
      </main>
      <StatusBar />
      <Dialogs />
      <Toasts />
      <DropOverlay />
      <HiddenFileInputs />
    </div>
  );
}

function OfflineBanner(): ReactElement {
  const closed = useApp((s) => s.connection === 'closed');
  return (
    <div className="banner banner-error" role="alert" data-testid="offline-banner">
      {closed
        ? 'Swarmdrop closed this page’s connection. Reload the page to continue.'
        : 'Swarmdrop is not answering (it may have stopped). Actions are paused until it is back; this page reconnects by itself.'}
    </div>
  );
}

/** The app, or (web UI without a valid access token) what to open instead. */
function Gate(): ReactElement {
  const connection = useApp((s) => s.connection);
  return connection === 'unauthorized' ? <AccessNeeded origin={window.location.origin} /> : <Shell />;
}

export function App({ value }: { value: AppContextValue }): ReactElement {
  return (
    <AppContext.Provider value={value}>
      {/* The last resort, for a part outside the ones that have their own boundary (the
          sidebar, the status bar): a message and Try again rather than a blank window. */}
      <ErrorBoundary part="window" resetKey={null}>
        <Gate />
      </ErrorBoundary>
    </AppContext.Provider>
  );
}
