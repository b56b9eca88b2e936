import { defineConfig } from 'vite';
import { crx } from '@crxjs/vite-plugin';
import manifest from './manifest.json' with { type: 'json' };
import pkg from './package.json' with { type: 'json' };

export default defineConfig({
  // One version: package.json's (npm run package names the zip after it).
  plugins: [crx({ manifest: { ...manifest, version: pkg.version } })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'chrome125',
    sourcemap: true,
    // The popup (action) and options pages are entries through the manifest; the loader page is only listed in
    // web_accessible_resources (the DNR rule redirects to it), which crxjs copies as is, so it is an entry here.
    // The first-run page is opened by the worker on install (runtime.onInstalled), and the offscreen document of
    // downloads is named by chrome.offscreen at run time, so they are entries too.
    rolldownOptions: {
      input: {
        loader: 'src/loader/index.html',
        welcome: 'src/welcome/index.html',
        offscreen: 'src/offscreen/index.html',
      },
    },
    // The service worker carries the whole TON stack (and @ton/core) in one module.
    chunkSizeWarningLimit: 1500,
  },
});
