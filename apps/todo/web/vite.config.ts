// Vite builds ui/ into dist/: index.html plus content-hashed files under
// assets/ (which nginx and the local server cache forever). `npm run dev`
// proxies /api to a Todo API on TODO_API_PORT (8000), like `npm start` does.
import { defineConfig } from 'vite';

export default defineConfig({
  // React's automatic JSX runtime, compiled by Vite's own transformer (no plugin needed for a build).
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Inlined assets would need `data:` in the Content-Security-Policy; keep every asset a file.
    assetsInlineLimit: 0,
    target: 'es2022',
  },
  server: {
    proxy: { '/api': `http://localhost:${process.env.TODO_API_PORT ?? 8000}` },
  },
});
