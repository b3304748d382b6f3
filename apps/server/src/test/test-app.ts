import type { App } from '../http/app.js';
import { buildApp } from '../http/app.js';
import { createTestContext } from './test-context.js';

/** The HTTP app over a fresh test database, for `app.inject` requests. */
export async function createTestApp() {
  const { ctx, handle } = await createTestContext();
  const app: App = await buildApp(ctx, { serveWeb: false });
  return {
    app,
    ctx,
    async close() {
      await app.close();
      await handle.close();
    },
  };
}
