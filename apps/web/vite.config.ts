import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The contracts package builds its TypeBox schemas at module level (Type.Object(...), and `lit`, its
// helper around Type.Union) and registers a TypeBox format in validators.js. The page uses only
// the contracts' plain functions and tables (formatEvent, VERDICT_LABELS, ...), never a schema, so
// those calls are declared pure and the contracts' and TypeBox's modules free of side effects:
// the bundler then drops TypeBox, about 13 KB gzipped of a 90 KB budget (DESIGN.md "Performance").
const SIDE_EFFECT_FREE = /[\\/](packages[\\/]contracts[\\/]dist|@sinclair[\\/]typebox)[\\/]/;

// The server serves dist/ (index.html and assets/); /r/:id gets index.html with the result's meta tags.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    rolldownOptions: {
      treeshake: { manualPureFunctions: ['Type', 'lit'], moduleSideEffects: (id: string) => !SIDE_EFFECT_FREE.test(id) },
    },
  },
});
