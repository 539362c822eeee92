import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// Absolute paths so the build behaves the same from any working directory.
const appDir = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/app', import.meta.url));

export default defineConfig({
  root: appDir,
  base: '/',
  // All Svelte options are the defaults (CSS emitted as files, which the CSP requires), so no svelte.config.js.
  plugins: [svelte({ configFile: false })],
  build: {
    outDir,
    // outDir sits outside root, so Vite only empties it when told to.
    emptyOutDir: true,
    // No source maps: the bundle is public and maps would only add bytes.
    sourcemap: false,
  },
  server: {
    // Dev only: the local backend. The built app uses same-origin relative URLs.
    proxy: { '/api': 'http://localhost:8080' },
  },
});
