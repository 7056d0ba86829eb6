import type { OpenSession, Session, SessionOptions } from '../session-api.ts';
import { EngineSession } from './engine-session.ts';

/** Opens the engine: binds the peer port, restores saved torrents. */
export const openSession: OpenSession = async (options: SessionOptions): Promise<Session> => {
  const session = new EngineSession(options);
  try {
    await session.open();
  } catch (err) {
    await session.close();
    throw err;
  }
  return session;
};
