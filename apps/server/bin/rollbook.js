#!/usr/bin/env node
// The `rollbook` command. It runs the compiled server, which `npm install` builds (the root
// package.json's prepare script) and `npm run build` rebuilds.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('rollbook is not built yet: run `npm run build` in the checkout first.');
  process.exit(1);
}
const { runCli } = await import(cli.href);
process.exitCode = await runCli(process.argv);
