#!/usr/bin/env node
'use strict';
// Runs the TypeScript CLI through tsx's CommonJS hook (tsx is a dependency), or the
// compiled build when there is one.
const path = require('node:path');
const fs = require('node:fs');

const compiled = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
process.env.FLEETOPS_CLI = '1';
if (fs.existsSync(compiled) && !process.env.FLEETOPS_FROM_SOURCE) {
  require(compiled);
} else {
  require('tsx/cjs');
  require('../cli/main.ts');
}
