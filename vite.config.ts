import { defineConfig } from 'vite';
import { crx } from '@crxjs/vite-plugin';
import manifest from './manifest.json' with { type: 'json' };

export default defineConfig({
  plugins: [crx({ manifest })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'chrome125',
    sourcemap: true,
    // The popup (action) and options pages are entries through the manifest; the loader page is only listed in
    // web_accessible_resources (the DNR rule redirects to it), which crxjs copies as is, so it is an entry here;
    // so is the offscreen document of downloads (chrome.offscreen names it at run time).
    rolldownOptions: { input: { loader: 'src/loader/index.html', offscreen: 'src/offscreen/index.html' } },
    // The service worker carries the whole TON stack (and @ton/core) in one module.
    chunkSizeWarningLimit: 1500,
  },
});
