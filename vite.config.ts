import { defineConfig } from 'vite';

// The renderer: React 19 + zustand. Vite compiles TSX itself (tsconfig.web.json sets
// jsx: react-jsx); base './' so the same build loads from file:// in Electron and from
// the daemon's HTTP server.
export default defineConfig({
  root: 'src-renderer',
  base: './',
  publicDir: 'public',
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
});
