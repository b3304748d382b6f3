import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../http/auth.js';
import { ProblemSchema } from '../../http/conventions.js';
import { loadDemo } from './demo.service.js';

export function demoRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/demo',
      {
        config: { access: 'system.manage' },
        schema: {
          tags: ['system'],
          summary: 'Load the demo organization into an empty database (first run)',
          response: {
            201: Type.Object({ units: Type.Integer(), orders: Type.Integer(), rootId: Type.Integer() }),
            409: ProblemSchema,
          },
        },
      },
      async (request, reply) => {
        const result = await loadDemo(ctx, actorOf(request));
        return reply.status(201).send(result);
      },
    );
  };
}
