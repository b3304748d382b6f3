import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { Nullable } from '../../http/conventions.js';
import type { AppContext } from '../../context.js';
import { migrationLevel } from '../../db/migrate.js';
import { VERSION } from '../../version.js';

const Localized = Type.Record(Type.String(), Type.String());

/** Health for probes and the rule pack for clients that name kinds. */
export function systemRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/health',
      {
        config: { access: 'public' },
        schema: {
          tags: ['system'],
          summary: 'Whether the server and its database answer',
          response: {
            200: Type.Object({
              status: Type.Literal('ok'),
              engine: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
              version: Type.String({ description: 'Rollbook version.' }),
              postgres: Type.String({ description: 'The database server version.' }),
              migration: Nullable(Type.String(), {
                description: 'The newest applied migration.',
              }),
              today: Type.String({ description: "Today in the organization's time zone." }),
              timeZone: Type.String({
                description: "The organization's time zone (IANA name): days and times are its.",
              }),
            }),
          },
        },
      },
      async () => {
        const row = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(ctx.db);
        return {
          status: 'ok' as const,
          engine: ctx.engine,
          version: VERSION,
          postgres: row.rows[0]?.v ?? '',
          migration: await migrationLevel(ctx.db),
          today: ctx.today(),
          timeZone: ctx.config.timeZone,
        };
      },
    );

    app.get(
      '/v1/rule-pack',
      {
        config: { access: 'signed-in' },
        schema: {
          tags: ['system'],
          summary: 'The rule pack in force: unit kinds, their names and where they may sit',
          response: {
            200: Type.Object({
              id: Type.String(),
              version: Type.String(),
              name: Localized,
              kinds: Type.Array(
                Type.Object({
                  code: Type.String(),
                  names: Localized,
                  plural: Type.Optional(Localized),
                  root: Type.Optional(Type.Boolean()),
                  parents: Type.Array(Type.String()),
                  validFrom: Type.Optional(Type.String()),
                  validTo: Type.Optional(Type.String()),
                  source: Type.Optional(Type.String()),
                }),
              ),
              groups: Type.Optional(
                Type.Array(
                  Type.Object({ code: Type.String(), names: Localized, kinds: Type.Array(Type.String()) }),
                  {
                    description: 'Kinds counted together in figures, e.g. grassroots organizations.',
                  },
                ),
              ),
              members: Type.Unknown({
                description:
                  'Member rules: rule sets by effective date (probation months, deadlines, discipline forms…), vocabularies (sex, ethnicity, religion, education), custom fields and the kinds of unit members belong to.',
              }),
            }),
          },
        },
      },
      async () => ({ ...ctx.rules.pack, members: ctx.rules.members.pack }),
    );
  };
}
