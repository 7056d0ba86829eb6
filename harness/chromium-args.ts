// Flags for Debian's Chromium run headless by Playwright, shared by the e2e specs and the
// ui-speed benchmark: no sandbox (containers), no GPU, and nothing that reaches the network
// on its own (component updates, sync, background fetches).
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
