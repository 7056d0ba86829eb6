/**
 * A mistake in how a program was called (a bad flag or argument): the host prints it with
 * its help and exits 2. It lives below `cli/` so that flag parsing in `service/` (shared
 * by the daemon and the Electron app) can throw it without importing upwards.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
