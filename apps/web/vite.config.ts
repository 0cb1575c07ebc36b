import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// The page uses only the contracts' plain tables and functions (formatEvent, VERDICT_LABELS, ...),
// never a schema: live/server-messages.ts checks what the server sends by hand. The contracts keep
// those in modules that build no schema and declare `"sideEffects": false`, so the bundler drops
// the schema modules and TypeBox with them (about 13 KB gzipped of a 90 KB budget, DESIGN.md
// "Performance") with no hint from here. This plugin fails the build if TypeBox slips back in.
function withoutTypeBox(): Plugin {
  return {
    name: 'relayprobe:without-typebox',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const shipped = Object.entries(chunk.modules).filter(([id, m]) => /[\\/]@sinclair[\\/]typebox[\\/]/.test(id) && m.renderedLength > 0);
        if (shipped.length > 0) this.error(`${chunk.fileName} ships TypeBox (${shipped.length} modules, e.g. ${shipped[0]![0]}): a contracts module the page imports builds a schema`);
      }
    },
  };
}

// The server serves dist/ (index.html and assets/); /r/:id gets index.html with the result's meta tags.
export default defineConfig({
  plugins: [react(), withoutTypeBox()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
  },
});
