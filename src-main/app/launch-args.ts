/**
 * What a launch asks us to open: `magnet:` links (protocol handler) and `.torrent` files
 * (file association), from the first launch's argv or a second instance's. Pure.
 */
export interface LaunchRequest {
  magnets: string[];
  torrentFiles: string[];
}

export function launchRequests(argv: readonly string[]): LaunchRequest {
  const magnets: string[] = [];
  const torrentFiles: string[] = [];
  for (const arg of argv) {
    if (/^magnet:\?/i.test(arg)) magnets.push(arg);
    else if (!arg.startsWith('-') && arg.toLowerCase().endsWith('.torrent')) torrentFiles.push(arg);
  }
  return { magnets, torrentFiles };
}
