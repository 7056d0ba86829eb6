/**
 * Error codes that cross the contract, each with the sentence a user sees. Hosts send
 * `{ code, message }`; the UI shows `describeError(code, message)` and never matches on
 * message text (CONTRIBUTING.md, errors).
 */
export const ERROR_WORDING = {
  'port-in-use': 'That port is already used by another program. Pick another port in Settings.',
  'disk-full': 'The disk is full. Free some space or choose another download folder.',
  'permission-denied': 'Swarmdrop is not allowed to write there. Choose another folder.',
  'bad-magnet': 'That is not a magnet link. A magnet link starts with "magnet:?".',
  'magnet-no-info-hash': 'That magnet link has no BitTorrent info-hash (the "xt=urn:btih:…" part).',
  'magnet-bad-info-hash':
    'The info-hash in that magnet link is damaged: after "urn:btih:" it needs 40 hexadecimal (or 32 base32) characters.',
  'bad-torrent': 'That file is not a valid .torrent file.',
  'bad-info-hash': 'An info-hash is 40 hexadecimal characters (or 32 base32 characters).',
  'tracker-unreachable': 'The tracker did not answer. Check the address, or whether it is running.',
  'unknown-torrent': 'That transfer no longer exists.',
  'duplicate-torrent': 'That torrent is already in your list.',
  'file-not-found': 'The file or folder was not found.',
  'upload-failed': 'The file could not be uploaded to Swarmdrop.',
  'upload-bad-name':
    'A name in that upload is not allowed (no "..", slashes, device names like NUL, or a trailing dot or space).',
  'upload-name-too-long':
    'A name in that upload is too long (at most 255 bytes per name), or its folders are nested too deep.',
  'upload-name-clash':
    'Two items in that upload have the same name (or a file and a folder do). Rename one and try again.',
  'upload-too-many-files':
    'That upload has more files than Swarmdrop takes at once. Share fewer files, or finish the uploads under way first.',
  'upload-too-large':
    'That upload is larger than Swarmdrop takes at once. Share it in smaller parts, or finish the uploads under way first.',
  'upload-busy': 'Several uploads are already running from this page. Wait for one to finish.',
  'upload-unknown': 'That upload is no longer open (it finished, was cancelled, or its page was closed).',
  'upload-bad-chunk': 'Part of the upload arrived out of order. Try the upload again.',
  'upload-incomplete': 'The upload is not complete yet: some files are missing bytes.',
  'bad-request': 'Swarmdrop received a request it does not understand.',
  'unknown-command': 'Swarmdrop received a command it does not know.',
  'not-supported': 'This is only available in the desktop app.',
  'no-file-opener': 'This computer has no program Swarmdrop can open files with.',
  'not-on-this-machine':
    'Files can only be opened from a page on the computer where Swarmdrop runs (an address starting with 127.0.0.1 or localhost).',
  'name-taken': 'Something with that name is already shared. Rename it and try again.',
  'share-name-required': 'Several files or folders become one share: give it a name.',
  'share-bad-name':
    'That name cannot be a share\'s name (no slashes, "..", device names like NUL, or a trailing dot or space; at most 255 bytes).',
  'share-name-clash':
    'Two of the chosen items have the same name, so they cannot sit side by side in one share. Rename one, or share them separately.',
  'bad-piece-size': 'The piece size must be a power of two between 16 KiB and 64 MiB (or Automatic).',
  'bad-tracker-url': 'A tracker address looks like udp://host:port or http://host/announce.',
  'bad-web-seed': 'A web seed is an http:// or https:// address serving the same files.',
  'comment-too-long': 'That comment is too long (at most 4096 characters).',
  'not-ready': 'Swarmdrop is still starting. Try again in a moment.',
  'no-metadata': 'The list of files is not known yet: it arrives from peers in a moment.',
  disconnected: 'Lost the connection to Swarmdrop. Reconnecting…',
  unauthorized: 'This page needs the address with its access token, as printed by `swarmdrop daemon`.',
  internal: 'Something went wrong inside Swarmdrop.',
} as const;

export type ErrorCode = keyof typeof ERROR_WORDING;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_WORDING, code);
}

/** The sentence for a code; unknown codes fall back to the host's message. */
export function describeError(code: string, message?: string): string {
  if (isErrorCode(code)) return ERROR_WORDING[code];
  return message && message.length > 0 ? message : ERROR_WORDING.internal;
}

/** A failed command, as both transports deliver it to the caller. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  constructor(
    readonly code: string,
    message: string,
    /** Technical detail (for logs and the "details" disclosure), never the headline. */
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** Wire shape of a failure (JSON-safe). */
export interface ContractErrorPayload {
  code: string;
  message: string;
  detail?: string;
}

export function toErrorPayload(err: unknown): ContractErrorPayload {
  if (err instanceof ContractError) {
    return err.detail === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, detail: err.detail };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: ERROR_WORDING.internal, detail: message };
}

export function fromErrorPayload(p: ContractErrorPayload): ContractError {
  return new ContractError(p.code, p.message, p.detail);
}
