// Development mode: recompiles the domain package and the server on change and restarts the
// server, while Vite serves the web app with hot reload on http://localhost:5173 (API proxied).
import { spawn } from 'node:child_process';

const run = (name, command, args) => {
  const child = spawn(command, args, { stdio: 'inherit', env: process.env });
  child.on('exit', (code) => {
    console.error(`[dev] ${name} exited (${code}); stopping.`);
    process.exit(code ?? 1);
  });
  return child;
};

const children = [
  run('domain', 'npx', [
    'tsc',
    '-p',
    'packages/domain/tsconfig.build.json',
    '--watch',
    '--preserveWatchOutput',
  ]),
  run('server build', 'npx', [
    'tsc',
    '-p',
    'apps/server/tsconfig.build.json',
    '--watch',
    '--preserveWatchOutput',
  ]),
  run('server', 'node', [
    '--watch-path=apps/server/dist',
    '--watch-path=packages/domain/dist',
    'apps/server/dist/cli.js',
    'serve',
  ]),
  run('web', 'npm', ['run', 'dev', '-w', '@rollbook/web']),
];
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
    process.exit(0);
  });
}
