/**
 * What several items shared as one are called until the user changes it: the folder they
 * all sit in when that says something, or else the first item's name and how many more.
 * Never a date: the name is what other people see in their Network list.
 */

/** Last component of a host path, either separator. */
export function baseName(hostPath: string): string {
  return hostPath.split(/[\\/]/).filter(Boolean).pop() ?? hostPath;
}

function parentParts(hostPath: string): string[] {
  return hostPath.split(/[\\/]/).filter(Boolean).slice(0, -1);
}

/**
 * `items`: absolute host paths (picked in place) or bare names (a browser drop, which has
 * no paths). The common parent folder's name when every item has one below the top level
 * (a home folder's name, `/`, or a drive letter says nothing about the items).
 */
export function suggestShareName(items: readonly string[]): string {
  const names = items.map(baseName);
  const first = names[0] ?? 'Shared files';
  if (names.length <= 1) return first;
  const parents = items.map(parentParts);
  const common: string[] = [];
  for (let i = 0; ; i++) {
    const part = parents[0]![i];
    if (part === undefined || !parents.every((p) => p[i] === part)) break;
    common.push(part);
  }
  // Deeper than `/home/<user>` or `C:\Users\<user>`: a folder the user made.
  const folder = common.at(-1);
  const meaningful = folder !== undefined && common.length >= 3 && !/^[a-z]:$/i.test(folder);
  return meaningful ? folder : `${first} and ${names.length - 1} more`;
}

/** Why `name` cannot name a share, in words, or null (the service checks the rest). */
export function shareNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Give the share a name.';
  if (/[\\/]/.test(trimmed)) return 'A name cannot contain / or \\.';
  if (/^[. ]+$/.test(trimmed)) return 'A name needs more than dots and spaces.';
  return null;
}
