#!/usr/bin/env node
// The committed bin target: npm links bins at install time, before `npm run build` makes dist/.
import '../dist/bin.js';
