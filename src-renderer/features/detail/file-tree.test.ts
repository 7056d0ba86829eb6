import { describe, expect, it } from 'vitest';
import type { FileDetail, FilePriority } from '../../../src-shared/types/torrent.ts';
import { buildFileTree, mediaKindOf, selectAll, toggleSelection, visibleRows } from './file-tree.ts';

function file(index: number, path: string, priority: FilePriority = 'normal', lengthBytes = 100): FileDetail {
  return { index, path: path.split('/'), priority, lengthBytes, verifiedBytes: 0, progress: 0 };
}

const FILES = [
  file(0, 'season 1/e01.mkv'),
  file(1, 'season 1/e02.mkv', 'skip'),
  file(2, 'season 1/extras/making-of.mkv', 'skip'),
  file(3, 'readme.txt', 'high'),
  file(4, 'season 2/e01.mkv', 'skip'),
];

describe('file tree', () => {
  it('folders first, sizes and checkbox states summed up the tree', () => {
    const root = buildFileTree(FILES);
    expect(root.children.map((n) => n.name)).toEqual(['season 1', 'season 2', 'readme.txt']);
    const s1 = root.children[0]!;
    expect(s1.kind === 'folder' && [s1.checked, s1.lengthBytes, s1.fileIndices.sort()]).toEqual([
      'some',
      300,
      [0, 1, 2],
    ]);
    const s2 = root.children[1]!;
    expect(s2.kind === 'folder' && s2.checked).toBe('none');
    expect(root.checked).toBe('some');
  });

  it('a collapsed folder hides its subtree; depth follows nesting', () => {
    const root = buildFileTree(FILES);
    const all = visibleRows(root, new Set());
    expect(all.map((r) => `${r.depth}:${r.node.name}`)).toEqual([
      '0:season 1',
      '1:extras',
      '2:making-of.mkv',
      '1:e01.mkv',
      '1:e02.mkv',
      '0:season 2',
      '1:e01.mkv',
      '0:readme.txt',
    ]);
    expect(visibleRows(root, new Set(['season 1'])).map((r) => r.node.name)).toEqual([
      'season 1',
      'season 2',
      'e01.mkv',
      'readme.txt',
    ]);
  });

  it('a folder checkbox selects its whole subtree (keeping high files high), then clears it', () => {
    const root = buildFileTree(FILES);
    const byIndex = new Map(FILES.map((f) => [f.index, f]));
    const s1 = root.children[0]!;
    expect(toggleSelection(s1, byIndex)).toEqual([
      { index: 2, priority: 'normal' },
      { index: 1, priority: 'normal' },
    ]);
    const allOn = FILES.map((f) => ({
      ...f,
      priority: f.priority === 'skip' ? ('normal' as const) : f.priority,
    }));
    const full = buildFileTree(allOn);
    expect(
      toggleSelection(full.children[0]!, new Map(allOn.map((f) => [f.index, f]))).map((c) => c.priority),
    ).toEqual(['skip', 'skip', 'skip']);
    expect(toggleSelection(root.children[2]!, byIndex)).toEqual([{ index: 3, priority: 'skip' }]);
  });

  it('select all / none lists only the files that change', () => {
    expect(selectAll(FILES, true).map((c) => c.index)).toEqual([1, 2, 4]);
    expect(selectAll(FILES, false).map((c) => c.index)).toEqual([0, 3]);
  });

  it('builds a tree of 20 000 files without trouble', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => file(i, `d${i % 50}/s${i % 7}/f${i}.bin`));
    const root = buildFileTree(many);
    expect(root.fileIndices.length).toBe(20_000);
    expect(visibleRows(root, new Set(many.map((_, i) => `d${i % 50}`))).length).toBe(50);
  });

  it('knows which files are audio or video', () => {
    expect(mediaKindOf('a/clip.WebM')).toEqual({ kind: 'video', mime: 'video/webm' });
    expect(mediaKindOf('song.wav')?.kind).toBe('audio');
    expect(mediaKindOf('notes.txt')).toBeNull();
  });
});
