/**
 * The one place that says how each engine warning `code` is logged and put to the user:
 * its log level, its text in user words, and whether it belongs in the torrent's event
 * list (the UI's detail panel). The CLI prints what reaches 'warn' on stderr, so the level
 * also decides what a terminal user sees by default. A code not listed here is still
 * logged, at 'warn', with the engine's own message: a new warning is never dropped.
 */
import type { EngineEvent } from '../../engine/session-api.ts';
import type { LogFields, Logger, LogLevel } from './logger.ts';

export interface WarningView {
  level: LogLevel;
  /** One line in user words. */
  text: string;
  /** Shown among the torrent's recent events in the UI. */
  torrentEvent: boolean;
}

interface WarningRule {
  level: LogLevel;
  torrentEvent: boolean;
  text(e: EngineEvent): string;
}

const WARNING_RULES: Readonly<Record<string, WarningRule>> = {
  'hash-failed': {
    level: 'warn',
    torrentEvent: true,
    text: (e) =>
      `piece ${e.piece ?? '?'} failed its hash check` +
      (e.peers && e.peers.length > 0 ? ` (data from ${e.peers.join(', ')})` : ''),
  },
  'peer-banned': {
    level: 'warn',
    torrentEvent: true,
    text: (e) => e.message || `banned ${e.peer ?? 'a peer'}`,
  },
  // The engine's text names the file and the pieces no longer shared.
  'files-changed': { level: 'warn', torrentEvent: true, text: (e) => e.message || 'files changed on disk' },
  // A magnet whose peers cannot send its metadata (BEP 9): the download cannot start.
  'metadata-unsupported': {
    level: 'warn',
    torrentEvent: true,
    text: (e) => `metadata unavailable: ${e.message}`,
  },
  'metadata-unavailable': {
    level: 'warn',
    torrentEvent: true,
    text: (e) => `metadata unavailable: ${e.message}`,
  },
  'tracker-failed': { level: 'warn', torrentEvent: false, text: (e) => `tracker unreachable: ${e.message}` },
  'catalog-publish-failed': {
    level: 'warn',
    torrentEvent: false,
    text: (e) => `not published to the catalog: ${e.message}`,
  },
  'resume-save-failed': {
    level: 'warn',
    torrentEvent: false,
    text: (e) => `resume data not saved: ${e.message}`,
  },
  'resume-unreadable': { level: 'warn', torrentEvent: false, text: (e) => e.message },
  'resume-metadata-unreadable': {
    level: 'warn',
    torrentEvent: false,
    text: (e) => `saved metadata unreadable, fetching it again: ${e.message}`,
  },
  'storage-close-failed': {
    level: 'warn',
    torrentEvent: false,
    text: (e) => `closing files failed: ${e.message}`,
  },
  'peer-server': { level: 'warn', torrentEvent: false, text: (e) => `peer server: ${e.message}` },
  // LAN discovery (engine/lan/NOTES.md). A machine with no usable interface (offline, or
  // an interface without multicast) still runs: worth a log line, not a warning each start.
  'lan-no-interface': { level: 'info', torrentEvent: false, text: (e) => e.message },
  'lan-join-failed': { level: 'info', torrentEvent: false, text: (e) => e.message },
  // An interface that went away between two announces: the next round tries again.
  'lan-send-failed': { level: 'info', torrentEvent: false, text: (e) => e.message },
  'lan-bind-failed': { level: 'warn', torrentEvent: false, text: (e) => e.message },
  'nearby-list-truncated': { level: 'warn', torrentEvent: false, text: (e) => e.message },
  // The UDP peer port could not be bound: peers still reach us over TCP.
  'utp-unavailable': { level: 'warn', torrentEvent: false, text: (e) => e.message },
  utp: { level: 'warn', torrentEvent: false, text: (e) => `uTP socket: ${e.message}` },
  // A peer that sends a bad info dict is its own problem: we ask another one.
  'bad-metadata': {
    level: 'info',
    torrentEvent: false,
    text: (e) => `bad metadata from ${e.peer ?? 'a peer'}: ${e.message}`,
  },
};

/** What the caller knows beyond the event itself. */
export interface WarningContext {
  /**
   * Every peer that sent the failed piece is banned already: blocks still in flight when
   * the ban fell fail one after another, and saying so for each would bury the ban.
   */
  sendersBanned?: boolean;
}

export function describeWarning(e: EngineEvent, context: WarningContext = {}): WarningView {
  const rule = Object.hasOwn(WARNING_RULES, e.code) ? WARNING_RULES[e.code] : undefined;
  if (!rule) return { level: 'warn', text: e.message || e.code, torrentEvent: false };
  if (e.code === 'hash-failed' && context.sendersBanned) {
    return { level: 'info', text: `${rule.text(e)}, a peer already banned`, torrentEvent: false };
  }
  return { level: rule.level, text: rule.text(e), torrentEvent: rule.torrentEvent };
}

/** The engine event's own fields, for the log line (the code first, as a field). */
export function warningFields(e: EngineEvent): LogFields {
  return {
    code: e.code,
    torrentId: e.torrentId,
    peer: e.peer,
    piece: e.piece,
    peers: e.peers && e.peers.length > 1 ? e.peers : undefined,
    // The engine's text, when the line shows the user's instead.
    detail: e.message,
  };
}

/** Logs an engine warning at its level, in user words, with its code and fields. */
export function logEngineWarning(logger: Logger, e: EngineEvent, context: WarningContext = {}): WarningView {
  const view = describeWarning(e, context);
  logger.log(view.level, view.text, warningFields(e));
  return view;
}
