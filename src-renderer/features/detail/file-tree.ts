/**
 * The Files tab's folder tree, as a pure model: built once per detail update (O(files)),
 * flattened to the rows that are visible (folders collapsed hide their subtree) for the
 * virtual list, so a torrent of thousands of files renders only what is on screen.
 */
import type { FileDetail, FilePriority } from '../../../src-shared/types/torrent.ts';

export type Checked = 'all' | 'none' | 'some';

export interface TreeFolder {
  kind: 'folder';
  name: string;
  /** '/'-joined path of the folder inside the torrent (its key). */
  key: string;
  children: TreeNode[];
  /** Indices (FileDetail.index) of every file below. */
  fileIndices: number[];
  lengthBytes: number;
  verifiedBytes: number;
  /** Files below that are not skipped. */
  selectedCount: number;
  checked: Checked;
}

export interface TreeFile {
  kind: 'file';
  name: string;
  key: string;
  file: FileDetail;
}

export type TreeNode = TreeFolder | TreeFile;

export interface TreeRow {
  node: TreeNode;
  depth: number;
}

/** The tree of a torrent's files; folders first, then files, each by name. */
export function buildFileTree(files: readonly FileDetail[]): TreeFolder {
  const root = emptyFolder('', '');
  const folders = new Map<string, TreeFolder>([['', root]]);
  for (const file of files) {
    let parent = root;
    for (let i = 0; i < file.path.length - 1; i++) {
      const key = file.path.slice(0, i + 1).join('/');
      let folder = folders.get(key);
      if (!folder) {
        folder = emptyFolder(file.path[i]!, key);
        folders.set(key, folder);
        parent.children.push(folder);
      }
      parent = folder;
    }
    parent.children.push({
      kind: 'file',
      name: file.path[file.path.length - 1] ?? '',
      key: file.path.join('/'),
      file,
    });
  }
  summarise(root);
  return root;
}

function emptyFolder(name: string, key: string): TreeFolder {
  return {
    kind: 'folder',
    name,
    key,
    children: [],
    fileIndices: [],
    lengthBytes: 0,
    verifiedBytes: 0,
    selectedCount: 0,
    checked: 'none',
  };
}

function summarise(folder: TreeFolder): void {
  folder.children.sort((a, b) =>
    a.kind !== b.kind ? (a.kind === 'folder' ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const child of folder.children) {
    if (child.kind === 'folder') {
      summarise(child);
      folder.fileIndices.push(...child.fileIndices);
      folder.lengthBytes += child.lengthBytes;
      folder.verifiedBytes += child.verifiedBytes;
      folder.selectedCount += child.selectedCount;
    } else {
      folder.fileIndices.push(child.file.index);
      folder.lengthBytes += child.file.lengthBytes;
      folder.verifiedBytes += child.file.verifiedBytes;
      if (child.file.priority !== 'skip') folder.selectedCount++;
    }
  }
  const n = folder.fileIndices.length;
  folder.checked = folder.selectedCount === 0 ? 'none' : folder.selectedCount === n ? 'all' : 'some';
}

/** Rows to show: every node whose ancestors are all expanded (`collapsed` holds folder keys). */
export function visibleRows(root: TreeFolder, collapsed: ReadonlySet<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (folder: TreeFolder, depth: number) => {
    for (const node of folder.children) {
      rows.push({ node, depth });
      if (node.kind === 'folder' && !collapsed.has(node.key)) walk(node, depth + 1);
    }
  };
  walk(root, 0);
  return rows;
}

/**
 * What ticking a checkbox asks for: a file or a whole subtree on (normal, keeping high
 * files high) or off (skip). Only the files whose priority changes are listed.
 */
export function toggleSelection(
  node: TreeNode,
  byIndex: ReadonlyMap<number, FileDetail>,
): { index: number; priority: FilePriority }[] {
  const indices = node.kind === 'folder' ? node.fileIndices : [node.file.index];
  const turnOn = node.kind === 'folder' ? node.checked !== 'all' : node.file.priority === 'skip';
  const out: { index: number; priority: FilePriority }[] = [];
  for (const index of indices) {
    const current = byIndex.get(index)?.priority ?? 'normal';
    if (turnOn && current === 'skip') out.push({ index, priority: 'normal' });
    else if (!turnOn && current !== 'skip') out.push({ index, priority: 'skip' });
  }
  return out;
}

/** Select all / none over the whole torrent. */
export function selectAll(
  files: readonly FileDetail[],
  on: boolean,
): { index: number; priority: FilePriority }[] {
  return files
    .filter((f) => (on ? f.priority === 'skip' : f.priority !== 'skip'))
    .map((f) => ({ index: f.index, priority: on ? 'normal' : 'skip' }));
}

/** Audio and video the renderer can decode, by extension (then `canPlayType` decides). */
const MEDIA_TYPES: Record<string, { kind: 'video' | 'audio'; mime: string }> = {
  mp4: { kind: 'video', mime: 'video/mp4' },
  m4v: { kind: 'video', mime: 'video/mp4' },
  webm: { kind: 'video', mime: 'video/webm' },
  ogv: { kind: 'video', mime: 'video/ogg' },
  mkv: { kind: 'video', mime: 'video/webm' }, // Chromium plays Matroska as WebM when the codecs fit
  mp3: { kind: 'audio', mime: 'audio/mpeg' },
  m4a: { kind: 'audio', mime: 'audio/mp4' },
  oga: { kind: 'audio', mime: 'audio/ogg' },
  ogg: { kind: 'audio', mime: 'audio/ogg' },
  opus: { kind: 'audio', mime: 'audio/ogg' },
  wav: { kind: 'audio', mime: 'audio/wav' },
  flac: { kind: 'audio', mime: 'audio/flac' },
};

export function mediaKindOf(path: string): { kind: 'video' | 'audio'; mime: string } | null {
  const ext = /\.([a-z0-9]{1,5})$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  return MEDIA_TYPES[ext] ?? null;
}
