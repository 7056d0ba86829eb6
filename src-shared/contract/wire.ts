/**
 * WebSocket frames of the daemon's transport. JSON text frames; the server validates
 * every client frame with `clientFrameSchema` and the command's own schema.
 */
import { z } from 'zod';
import type { ResultEnvelope } from './client.ts';

/** Largest frame the daemon accepts: one upload chunk plus envelope. */
export const MAX_FRAME_BYTES = 2 * 1024 * 1024;

export const clientFrameSchema = z
  .object({
    type: z.literal('command'),
    id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    command: z.string().min(1).max(64),
    request: z.unknown(),
  })
  .strict();

export type ServerFrame =
  ({ type: 'result'; id: number } & ResultEnvelope) | { type: 'event'; event: string; payload: unknown };
