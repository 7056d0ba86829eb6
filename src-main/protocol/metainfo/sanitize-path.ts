// File paths in metainfo come from strangers (docs/ARCHITECTURE.md, security model). BEP 3 gives a
// multi-file torrent's paths as lists of components below the torrent's folder; a hostile
// torrent can put `..`, an absolute path, a separator inside a component or a Windows
// device name there to write outside the download folder or to hang a Windows client.
// We refuse such a torrent outright (ProtocolError `bad-path`) instead of silently
// rewriting it, so what the user downloads is exactly what the torrent says.
import { ProtocolError } from '../protocol-error.ts';

/** Longest path component we accept, in UTF-8 bytes (common file systems allow 255). */
export const MAX_COMPONENT_BYTES = 255;
/** Deepest path we accept, in components. */
export const MAX_PATH_DEPTH = 64;

// Windows reserves these names in every folder, with any extension ("nul.txt" too), in any
// case, and also with trailing dots or spaces ("CON ." opens the console).
const DEVICE_NAME = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** Why `component` is unsafe as one path component, or undefined when it is fine. */
export function pathComponentProblem(component: string): string | undefined {
  if (component.length === 0) return 'an empty component';
  if (component === '.' || component === '..') return `a '${component}' component`;
  // Windows drops trailing dots and spaces, so "..." or ". ." would name the folder itself.
  if (/^[. ]+$/.test(component)) return 'only dots and spaces';
  if (component.includes('/') || component.includes('\\')) return 'a path separator inside a component';
  if (component.includes('\0')) return 'a NUL character';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
  if (/[\u0000-\u001f]/.test(component)) return 'a control character';
  if (/^[a-zA-Z]:/.test(component)) return 'a drive letter';
  if (DEVICE_NAME.test(component.replace(/[. ]+$/, ''))) return 'a reserved device name';
  if (new TextEncoder().encode(component).length > MAX_COMPONENT_BYTES)
    return `a component over ${MAX_COMPONENT_BYTES} bytes`;
  return undefined;
}

/** Throws ProtocolError `bad-path` unless every component is safe. Returns the components. */
export function sanitizePath(components: readonly string[], what: string): string[] {
  if (components.length === 0) throw new ProtocolError('bad-path', `${what} is an empty path`);
  if (components.length > MAX_PATH_DEPTH) {
    throw new ProtocolError(
      'bad-path',
      `${what} is nested ${components.length} levels deep (max ${MAX_PATH_DEPTH})`,
    );
  }
  for (const component of components) {
    const problem = pathComponentProblem(component);
    if (problem) {
      throw new ProtocolError(
        'bad-path',
        `${what} ${JSON.stringify(components.join('/'))} is unsafe: it has ${problem}`,
      );
    }
  }
  return [...components];
}

/** Checks a torrent's `name` (one component: the file, or the folder of a multi-file torrent). */
export function sanitizeName(name: string): string {
  return sanitizePath([name], 'name')[0]!;
}
