#!/usr/bin/env node

// Runs the TypeScript CLI through tsx's CommonJS hook (tsx is a dependency) whenever the
// sources are here, so a stale `dist/` from an earlier build can never answer instead of
// the current code. The compiled build is used where only it was shipped, or on request
// (FLEETOPS_COMPILED=1).
const path = require('node:path');
const fs = require('node:fs');

const source = path.join(__dirname, '..', 'cli', 'main.ts');
const compiled = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
require('./check-node.js');
process.env.FLEETOPS_CLI = '1';
const useCompiled = fs.existsSync(compiled) && (!fs.existsSync(source) || process.env.FLEETOPS_COMPILED === '1');
if (useCompiled) {
  require(compiled);
} else {
  require('tsx/cjs');
  require(source);
}
