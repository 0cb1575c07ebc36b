import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The server serves dist/ (index.html and assets/); /r/:id gets index.html with the result's meta tags.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
});
