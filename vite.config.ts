import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Vite marks its module scripts and stylesheets `crossorigin`. The window is loaded from a custom scheme in
 * Electron as well as from the loopback bridge; everything is same-origin, so the attribute buys nothing and
 * can only make a custom-scheme load fail a CORS check.
 */
function dropCrossorigin(): Plugin {
  return {
    name: 'stylist:drop-crossorigin',
    apply: 'build',
    enforce: 'post',
    transformIndexHtml: (html) => html.replace(/\s+crossorigin(?:=(?:""|"anonymous"))?(?=[\s>])/g, ''),
  };
}

export default defineConfig({
  root: 'renderer',
  // Relative URLs, so the same build loads from the custom scheme and from http://127.0.0.1:PORT/.
  base: './',
  plugins: [react(), dropCrossorigin()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2023',
    // Strict CSP: no inline scripts; keep small assets as files rather than data: URLs.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
  },
  server: { host: '127.0.0.1', strictPort: true },
});
