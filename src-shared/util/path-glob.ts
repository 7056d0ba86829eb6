/**
 * Glob patterns for file paths inside a torrent (`swarmdrop get --only GLOB`). Paths are
 * '/'-joined segments below the torrent's root, e.g. `season 1/e01.mkv`.
 *
 *  - `*` any run of characters inside one segment (not `/`); `?` one such character
 *  - `**` as a whole segment: any number of segments, none included (`docs/**`, `**\/x.txt`)
 *  - `[abc]`, `[a-z]`, `[!abc]` one character of (or not of) a set, never `/`
 *  - `\` makes the next character literal (`\*`, `\[`)
 *  - a pattern without `/` is matched against the file name alone, in any folder
 *    (`*.mkv` selects every .mkv); with a `/` it is matched against the whole path
 *
 * Matching is case-sensitive (torrent paths are byte strings; BEP 3).
 */

export class GlobError extends Error {
  override readonly name = 'GlobError';
  readonly code = 'bad-glob';
}

/** Longest pattern accepted: patterns come from the command line, bounded like a path. */
const MAX_PATTERN_LENGTH = 4096;

export interface PathGlob {
  readonly pattern: string;
  matches(path: string): boolean;
}

/** Compiles `pattern`; throws GlobError for an empty, over-long or unterminated one. */
export function compileGlob(pattern: string): PathGlob {
  if (pattern.length === 0) throw new GlobError('empty glob pattern');
  if (pattern.length > MAX_PATTERN_LENGTH) throw new GlobError(`glob longer than ${MAX_PATTERN_LENGTH}`);
  const nameOnly = !pattern.includes('/');
  const segments = pattern.split('/');
  let source = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      // Zero or more whole segments, each followed by '/' unless it ends the pattern.
      source += last ? '(?:.*)' : '(?:[^/]*/)*';
      return;
    }
    source += segmentSource(segment, pattern) + (last ? '' : '/');
  });
  let regex: RegExp;
  try {
    regex = new RegExp(`^${source}$`, 'u');
  } catch (err) {
    // e.g. a set whose range runs backwards ([z-a])
    throw new GlobError(`bad glob ${pattern}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    pattern,
    matches: (path: string) => regex.test(nameOnly ? path.slice(path.lastIndexOf('/') + 1) : path),
  };
}

function segmentSource(segment: string, pattern: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '\\') {
      const next = segment[++i];
      if (next === undefined) throw new GlobError(`glob ends with a lone backslash: ${pattern}`);
      out += escapeRegex(next);
    } else if (c === '*') {
      while (segment[i + 1] === '*') i++; // '**' inside a segment is just '*'
      out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) throw new GlobError(`unterminated [ in glob: ${pattern}`);
      let body = segment.slice(i + 1, end);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      const chars = body.replace(/[\\\]^]/g, '\\$&');
      out += negate ? `[^/${chars}]` : `(?!/)[${chars}]`;
      i = end;
    } else out += escapeRegex(c);
  }
  return out;
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** Whether `path` matches any of `globs` (none given: everything matches). */
export function matchesAny(globs: readonly PathGlob[], path: string): boolean {
  return globs.length === 0 || globs.some((g) => g.matches(path));
}
