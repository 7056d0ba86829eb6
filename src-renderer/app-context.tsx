/** Store + actions for every component, through one React context. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from './store/app-store.ts';
import type { Actions } from './store/actions.ts';
import type { RendererClient } from './transport/renderer-client.ts';

export interface AppContextValue {
  store: AppStore;
  actions: Actions;
  client: RendererClient;
}

export const AppContext = createContext<AppContextValue | null>(null);

function useAppContext(): AppContextValue {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error('AppContext missing');
  return ctx;
}

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}

export function useActions(): Actions {
  return useAppContext().actions;
}

export function useClient(): RendererClient {
  return useAppContext().client;
}
