/** Drag and drop anywhere in the window adds a share (files or folders). */
import { useEffect, useState, type ReactElement } from 'react';
import { useActions, useClient } from '../app-context.tsx';
import { collectDropped } from '../transport/file-upload.ts';
import { Icon } from './icons.tsx';

const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes('Files');

export function DropOverlay(): ReactElement | null {
  const actions = useActions();
  const client = useClient();
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0;
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setOver(true);
    };
    const onLeave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const onOver = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = async (e: DragEvent) => {
      depth = 0;
      setOver(false);
      const dt = e.dataTransfer;
      if (!dt || dt.files.length === 0) return;
      e.preventDefault();
      const torrents = [...dt.files].filter((f) => f.name.toLowerCase().endsWith('.torrent'));
      if (torrents.length === dt.files.length) {
        for (const f of torrents) void actions.addTorrentFile(f);
        return;
      }
      // In Electron the top-level items have paths (folders included); in the browser
      // folders are walked and their files uploaded.
      const dropped =
        client.kind === 'electron'
          ? [...dt.files].map((file) => ({ file, relativePath: [file.name] }))
          : await collectDropped(dt);
      await actions.share(dropped);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    const dropHandler = (e: DragEvent) => void onDrop(e);
    window.addEventListener('drop', dropHandler);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', dropHandler);
    };
  }, [actions, client]);
  if (!over) return null;
  return (
    <div className="drop-overlay" aria-hidden="true">
      <div className="drop-overlay-card">
        <Icon name="upload" size={44} />
        <div>Drop to share</div>
      </div>
    </div>
  );
}
