#!/usr/bin/env node
// The `rollbook` command. It runs the compiled server; `npm install` builds it (see the root
// package.json's prepare script).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('rollbook is not built yet: run `npm run build` in the checkout first.');
  process.exit(1);
}
await import(cli.href);
