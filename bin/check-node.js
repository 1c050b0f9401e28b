// Loaded first (`node --require ./bin/check-node.js …`) by `npm start`, `npm run serve` and
// the CLI, before anything that needs a newer Node (node:sqlite) is loaded, so an old Node
// stops with one line instead of a stack. Plain ES5-safe JavaScript: it must parse on any Node.
var parts = process.versions.node.split('.').map(Number);
var ok = parts[0] > 22 || (parts[0] === 22 && parts[1] >= 13);
if (!ok) {
  process.stderr.write(`FleetOps needs Node.js 22.13 or newer (this is v${process.versions.node}); Node 24 LTS is recommended.\n`);
  process.exit(1);
}
