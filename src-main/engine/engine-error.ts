/**
 * A failed engine call (`Session` methods): `code` says what went wrong and is what callers
 * match on (see service/engine-mapping.ts); `message` is for people.
 */
export class EngineError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
