import { defineConfig } from 'vite';

// The control host serves dist/ from the app's resources under fixed names (it sends ETags, so no
// hashes in the names are needed, and a rebuild changes as few committed files as possible).
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rolldownOptions: {
      output: {
        entryFileNames: 'assets/dashboard.js',
        chunkFileNames: 'assets/[name].js',
        assetFileNames: (asset) => (asset.names.some((n) => n.endsWith('.css')) ? 'assets/dashboard.css' : 'assets/[name][extname]'),
      },
    },
  },
});
