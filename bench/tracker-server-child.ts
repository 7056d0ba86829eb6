// Swarmdrop's TrackerServer in a process of its own, for the tracker figure while the
// `swarmdrop tracker` CLI is not registered: the load generator must not share an event
// loop with the tracker it measures. Started as `node dist/bench/main.js
// --internal-tracker-server`; prints {"event":"listening","port":N}; SIGTERM closes it.
import { TrackerServer } from '../src-main/tracker/server/index.ts';

export async function serveTracker(): Promise<number> {
  const server = new TrackerServer();
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify({ event: 'listening', port })}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await server.close();
  return 0;
}
