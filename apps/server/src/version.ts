import { createRequire } from 'node:module';

/** The version in the server's package.json. */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string })
  .version;
