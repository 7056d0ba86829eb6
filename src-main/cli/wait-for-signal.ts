/**
 * Resolves with the signal's name on the first SIGINT or SIGTERM: how the long-running
 * commands (`tracker`, `share`, `get` while seeding) know to shut down cleanly.
 */
export function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
