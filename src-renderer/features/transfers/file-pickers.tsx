/**
 * "Add files", "Add folder", "Open .torrent". In Electron the native dialog gives paths
 * (shared in place); in the browser hidden file inputs give File objects (uploaded).
 */
import { useMemo, type ReactElement } from 'react';
import { useActions, useClient } from '../../app-context.tsx';
import { thisPageIsLocal } from './path-picker.tsx';

const ids = { files: 'pick-files', folder: 'pick-folder', torrent: 'pick-torrent' } as const;

export function usePickers(): { addFiles: () => void; addFolder: () => void; openTorrent: () => void } {
  const client = useClient();
  const actions = useActions();
  return useMemo(() => {
    const click = (id: string) => document.getElementById(id)?.click();
    const native = (kind: 'files' | 'folder') => async () => {
      const paths = await actions.pickPaths(kind);
      if (paths.length > 0) await actions.sharePaths(paths);
    };
    if (client.kind === 'electron') {
      return {
        addFiles: () => void native('files')(),
        addFolder: () => void native('folder')(),
        openTorrent: () => click(ids.torrent),
      };
    }
    // The web UI on the daemon's own machine browses its folders and shares in place;
    // from another machine the browser's file inputs upload copies.
    if (thisPageIsLocal()) {
      const browse = () => actions.openDialog({ kind: 'path-picker' });
      return { addFiles: browse, addFolder: browse, openTorrent: () => click(ids.torrent) };
    }
    return {
      addFiles: () => click(ids.files),
      addFolder: () => click(ids.folder),
      openTorrent: () => click(ids.torrent),
    };
  }, [client, actions]);
}

export function HiddenFileInputs(): ReactElement {
  const actions = useActions();
  const take = (input: HTMLInputElement) => {
    const files = [...(input.files ?? [])];
    input.value = '';
    return files;
  };
  return (
    <div hidden>
      <input
        id={ids.files}
        type="file"
        multiple
        onChange={(e) =>
          void actions.share(take(e.currentTarget).map((file) => ({ file, relativePath: [file.name] })))
        }
      />
      <input
        id={ids.folder}
        type="file"
        // webkitdirectory is not in React's types; set it as a plain attribute.
        ref={(el) => el?.setAttribute('webkitdirectory', '')}
        onChange={(e) =>
          void actions.share(
            take(e.currentTarget).map((file) => ({
              file,
              relativePath: (file.webkitRelativePath || file.name).split('/').filter(Boolean),
            })),
          )
        }
      />
      <input
        id={ids.torrent}
        type="file"
        accept=".torrent,application/x-bittorrent"
        multiple
        onChange={(e) => {
          for (const f of take(e.currentTarget)) void actions.addTorrentFile(f);
        }}
      />
    </div>
  );
}
