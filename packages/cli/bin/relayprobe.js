#!/usr/bin/env node
// The committed bin target (npm links bins at install time, before `npm run build` makes dist/).
// It runs the one-file bundle that `npm run build` writes and the npm package ships, so the
// command works in the repo and installed from the tarball alike (scripts/bundle.ts).
import '../dist/relayprobe.js';
