// Tells the terminal what the router said about the peer port, once the search ends and
// again whenever that changes (mapped, refused, proved reachable by an outside peer).
import type { Session } from '../service/headless-session.ts';
import { describeReachability } from '../../src-shared/types/port-mapping.ts';

/** Prints `<command>: reachable from outside: …` lines on stderr; returns the unsubscribe. */
export function reportPortMapping(
  session: Session,
  command: string,
  print: (line: string) => void = (line) => console.error(line),
): () => void {
  let last = '';
  return session.on('port-mapping', (status) => {
    if (status.state === 'searching') return;
    const line = describeReachability(status);
    if (line === last) return;
    last = line;
    print(`swarmdrop ${command}: ${line}`);
  });
}
