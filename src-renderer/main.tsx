import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { createAppStore } from './store/app-store.ts';
import { createActions } from './store/actions.ts';
import { connectStore } from './store/connect-store.ts';
import { pickTransport } from './transport/pick-transport.ts';
import './styles/app.css';

const client = pickTransport();
const store = createAppStore();
const actions = createActions(store, client);
connectStore(store, client);
// Tests and the UI benchmark reach the store through this (read-only use).
(window as unknown as { __swarmdrop?: unknown }).__swarmdrop = { store };

createRoot(document.getElementById('root')!, {
  // Render errors are caught by ErrorBoundary (components/error-boundary.tsx), which logs each
  // once with the component stack; React's own report would log it a second time.
  onCaughtError: () => undefined,
}).render(<App value={{ store, actions, client }} />);
