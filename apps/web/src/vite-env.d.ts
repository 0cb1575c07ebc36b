// Vite-specific module types (CSS imports are bundled by Vite into files under /assets).
/// <reference types="vite/client" />
