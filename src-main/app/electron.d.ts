/**
 * The slice of Electron's API the shell uses, declared here because `electron` is an
 * optionalDependency that is not installed where its binary cannot be downloaded; the
 * shell must still typecheck. Keep it to what src-main/app calls. When electron is
 * installed, its own types describe the same calls (this file can then be deleted).
 */
declare module 'electron' {
  type Listener = (...args: never[]) => void;

  interface WebPreferences {
    preload?: string;
    contextIsolation?: boolean;
    sandbox?: boolean;
    nodeIntegration?: boolean;
    nodeIntegrationInWorker?: boolean;
    webSecurity?: boolean;
    allowRunningInsecureContent?: boolean;
    spellcheck?: boolean;
    devTools?: boolean;
  }

  interface BrowserWindowOptions {
    width?: number;
    height?: number;
    minWidth?: number;
    minHeight?: number;
    show?: boolean;
    title?: string;
    icon?: string;
    backgroundColor?: string;
    autoHideMenuBar?: boolean;
    webPreferences?: WebPreferences;
  }

  interface WebFrameMain {
    url: string;
  }

  interface WebContents {
    readonly id: number;
    send(channel: string, ...args: unknown[]): void;
    on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): this;
    on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): this;
    setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' | 'allow' }): void;
    isDestroyed(): boolean;
  }

  class BrowserWindow {
    constructor(options?: BrowserWindowOptions);
    readonly webContents: WebContents;
    loadFile(filePath: string): Promise<void>;
    show(): void;
    focus(): void;
    restore(): void;
    isMinimized(): boolean;
    isDestroyed(): boolean;
    once(event: 'ready-to-show', listener: () => void): this;
    on(event: 'closed', listener: () => void): this;
  }

  interface IpcMainInvokeEvent {
    sender: WebContents;
    senderFrame: WebFrameMain | null;
  }

  const ipcMain: {
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
    removeHandler(channel: string): void;
  };

  interface IpcRendererEvent {
    sender: unknown;
  }

  const ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): void;
    removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): void;
  };

  const contextBridge: { exposeInMainWorld(apiKey: string, api: unknown): void };
  const webUtils: { getPathForFile(file: unknown): string };

  interface OpenDialogOptions {
    title?: string;
    properties?: ('openFile' | 'openDirectory' | 'multiSelections' | 'createDirectory')[];
    filters?: { name: string; extensions: string[] }[];
  }
  const dialog: {
    showOpenDialog(window: BrowserWindow, options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  };

  const shell: {
    openPath(path: string): Promise<string>;
    openExternal(url: string): Promise<void>;
    showItemInFolder(path: string): void;
  };

  interface NativeImage {
    isEmpty(): boolean;
    resize(options: { width: number; height: number }): NativeImage;
  }
  const nativeImage: { createFromPath(path: string): NativeImage };

  interface MenuItemOptions {
    label?: string;
    type?: 'normal' | 'separator';
    enabled?: boolean;
    accelerator?: string;
    role?: string;
    click?: () => void;
    submenu?: MenuItemOptions[];
  }
  class Menu {
    static buildFromTemplate(template: MenuItemOptions[]): Menu;
    static setApplicationMenu(menu: Menu | null): void;
  }

  class Tray {
    constructor(image: NativeImage | string);
    setToolTip(toolTip: string): void;
    setContextMenu(menu: Menu): void;
    setTitle(title: string): void;
    on(event: 'click', listener: () => void): this;
    destroy(): void;
  }

  class Notification {
    static isSupported(): boolean;
    constructor(options: { title: string; body?: string; icon?: string; silent?: boolean });
    show(): void;
    on(event: 'click', listener: () => void): this;
  }

  interface HeadersReceivedDetails {
    url: string;
    responseHeaders?: Record<string, string[]>;
  }
  interface Session {
    webRequest: {
      onHeadersReceived(listener: (details: HeadersReceivedDetails, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void): void;
    };
    setPermissionRequestHandler(handler: (webContents: WebContents, permission: string, callback: (granted: boolean) => void) => void): void;
  }
  const session: { defaultSession: Session };

  const app: {
    readonly isPackaged: boolean;
    requestSingleInstanceLock(): boolean;
    whenReady(): Promise<void>;
    quit(): void;
    exit(code?: number): void;
    getVersion(): string;
    getPath(name: 'userData' | 'downloads' | 'home'): string;
    setPath(name: 'userData', path: string): void;
    setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
    setAppUserModelId(id: string): void;
    on(event: 'second-instance', listener: (event: unknown, argv: string[], workingDirectory: string) => void): void;
    on(event: 'open-url', listener: (event: { preventDefault(): void }, url: string) => void): void;
    on(event: 'open-file', listener: (event: { preventDefault(): void }, path: string) => void): void;
    on(event: 'window-all-closed' | 'before-quit' | 'activate', listener: Listener): void;
    on(event: 'web-contents-created', listener: (event: unknown, contents: WebContents) => void): void;
  };
}
