// Names that come from the network and are only shown, never used as paths: a magnet's
// `dn` (BEP 9), a catalog entry's name, a peer's client string (BEP 10 `v`). They reach
// terminals, log files and the UI, so they must not carry control characters (a terminal
// obeys escape sequences; a newline forges a log line), bidirectional overrides (which can
// make "exe.txt" read "txt.exe") or path separators (a name shown as `../../etc` reads as
// a place on disk). Torrent names used as paths are checked far more strictly, and
// refused rather than repaired, in metainfo/sanitize-path.ts.

/** Longest display name kept, in UTF-16 units (a file name is at most 255 bytes anyway). */
export const MAX_DISPLAY_NAME_LENGTH = 255;

// C0 and C1 controls, DEL, and the Unicode bidi embeddings, overrides and isolates.
// eslint-disable-next-line no-control-regex -- control characters are exactly what we remove
const INVISIBLE_OR_CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `raw` without control or bidi characters, trimmed; for text that may keep slashes (client names). */
export function stripControlCharacters(raw: string, maxLength = MAX_DISPLAY_NAME_LENGTH): string {
  return raw.replace(INVISIBLE_OR_CONTROL, '').trim().slice(0, maxLength);
}

/**
 * A name from the network made fit to show: control and bidi characters removed, each run
 * of `/` or `\` shown as `_`, surrounding white space trimmed, at most 255 characters.
 * Undefined when nothing meaningful is left (empty, or only dots, spaces and separators,
 * like `../../..`): the caller then shows the info-hash instead.
 */
export function safeDisplayName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const name = stripControlCharacters(raw.replace(/[/\\]+/g, '_'));
  if (/^[.\s_]*$/.test(name)) return undefined;
  return name;
}
