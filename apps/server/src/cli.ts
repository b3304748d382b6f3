import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Static } from 'typebox';
import { Command, Option } from 'commander';
import { AppError, isIsoDate, reason, type ReorgOperation } from '@rollbook/domain';
import { boot } from './boot.js';
import { loadConfig } from './config.js';
import type { AppContext } from './context.js';
import { cliLanguage, EXIT, printTable, reportError } from './cli/output.js';
import { localizeViolation } from './http/errors.js';
import { assertValid } from './http/validation.js';
import { OrderBody } from './modules/reorg/reorg.schemas.js';
import { migrateToLatest } from './db/migrate.js';
import { openDatabase } from './db/engine.js';
import { serve } from './main.js';
import { loadDemo } from './modules/demo/demo.service.js';
import { presentOrder } from './modules/reorg/reorg.present.js';
import {
  applyOrder,
  createAndApplyOrder,
  createOrder,
  deleteOrder,
  draftReversal,
  findOrders,
  getOrder,
  previewOrder,
} from './modules/reorg/reorg.service.js';
import {
  compareFigures,
  findChildren,
  getFigures,
  getLineage,
  getUnit,
  getUnitHistory,
  searchUnits,
} from './modules/units/units.service.js';
import { EVERYWHERE } from './modules/access/actor.js';
import { operator } from './cli/operator.js';
import { addAuditCommands, addUserCommands } from './cli/access-commands.js';
import { addApiCommand } from './cli/api-command.js';
import { addExportCommands } from './cli/export-commands.js';
import { addImportCommands } from './cli/import-commands.js';
import { addMemberCommands } from './cli/member-commands.js';
import { VERSION } from './version.js';

/** Options every command shares; each has an environment twin. */
export interface Globals {
  json?: boolean;
  lang?: string;
  dataDir?: string;
  databaseUrl?: string;
  timeZone?: string;
}

/**
 * An option with its environment twin: `--as-of` is also ROLLBOOK_AS_OF, so scripts and
 * containers can set any option without changing the command line.
 */
function twin(flags: string, description: string): Option {
  const long = /--([a-z-]+)/.exec(flags)?.[1] ?? '';
  return new Option(flags, description).env(`ROLLBOOK_${long.replaceAll('-', '_').toUpperCase()}`);
}

/** Runs a command body against the database; failures become messages and exit codes. */
export type WithContext = <A extends unknown[]>(
  body: (ctx: AppContext, globals: Globals, ...args: A) => Promise<unknown>,
) => (...args: A) => Promise<void>;

/** The `rollbook` command and its subcommands. */
export function buildProgram(): Command {
  const program = new Command('rollbook')
    .description('Rollbook: the register of a hierarchical membership organization, as of any date.')
    .version(VERSION)
    .addOption(new Option('--json', 'print JSON for scripts').env('ROLLBOOK_JSON'))
    .addOption(new Option('--lang <code>', 'language of messages (en, vi, ar)').env('ROLLBOOK_LANG'))
    .addOption(new Option('--data-dir <path>', 'folder of the embedded database').env('ROLLBOOK_DATA_DIR'))
    .addOption(
      new Option('--database-url <url>', 'a PostgreSQL server instead of the embedded database').env(
        'DATABASE_URL',
      ),
    )
    .addOption(
      new Option('--time-zone <zone>', "the organization's time zone, which decides today").env(
        'ROLLBOOK_TIME_ZONE',
      ),
    )
    .showHelpAfterError();

  function configFrom(globals: Globals) {
    return loadConfig({
      ...process.env,
      ...(globals.dataDir && { ROLLBOOK_DATA_DIR: globals.dataDir }),
      ...(globals.databaseUrl && { DATABASE_URL: globals.databaseUrl }),
      ...(globals.timeZone && { ROLLBOOK_TIME_ZONE: globals.timeZone }),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    });
  }

  /** Runs a command body against the database and turns failures into messages and exit codes. */
  function withContext<A extends unknown[]>(
    body: (ctx: AppContext, globals: Globals, ...args: A) => Promise<unknown>,
  ) {
    return async (...args: A) => {
      const globals = program.opts<Globals>();
      let code: number = EXIT.ok;
      let handle: Awaited<ReturnType<typeof boot>>['handle'] | undefined;
      let ctx: AppContext | undefined;
      try {
        ({ ctx, handle } = await boot(configFrom(globals)));
        const result = await body(ctx, globals, ...args);
        if (result !== undefined && globals.json) console.log(JSON.stringify(result, null, 2));
      } catch (error) {
        code = reportError(error, !!globals.json, globals.lang, ctx);
      } finally {
        await handle?.close();
      }
      // A body may have set its own outcome (a preview that found broken rules exits with 4).
      if (code !== EXIT.ok || !process.exitCode) process.exitCode = code;
    };
  }

  function date(value: string, field: string): string {
    if (!isIsoDate(value)) throw new AppError('invalid_date', { field, params: { value } });
    return value;
  }

  function id(value: string, field: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
      throw new AppError('validation_failed', {
        field,
        params: { reason: reason('positive_integer'), value },
      });
    }
    return n;
  }

  program
    .command('serve')
    .description('serve the web app and the API')
    .addOption(new Option('--port <port>', 'TCP port').env('PORT'))
    .addOption(new Option('--host <host>', 'interface to listen on').env('HOST'))
    .action(async (options: { port?: string; host?: string }) => {
      const config = configFrom(program.opts<Globals>());
      config.logLevel = process.env.LOG_LEVEL ?? 'info';
      if (options.port) config.port = id(options.port, '--port');
      if (options.host) config.host = options.host;
      try {
        await serve(config);
      } catch (error) {
        process.exitCode = reportError(error, false, program.opts<Globals>().lang);
      }
    });

  program
    .command('migrate')
    .description('bring the database schema up to date (serve does this at start too)')
    .action(async () => {
      const globals = program.opts<Globals>();
      const config = configFrom(globals);
      try {
        const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
        try {
          const report = await migrateToLatest(handle.db);
          if (globals.json) console.log(JSON.stringify(report));
          else
            console.log(
              report.applied.length
                ? `applied: ${report.applied.join(', ')}`
                : `up to date (${report.level})`,
            );
        } finally {
          await handle.close();
        }
      } catch (error) {
        process.exitCode = reportError(error, !!globals.json, globals.lang);
      }
    });

  program
    .command('demo')
    .description('load the demo organization into an empty database')
    .action(
      withContext(async (ctx, globals) => {
        const result = await loadDemo(ctx, operator());
        if (!globals.json)
          console.log(`Loaded the demo organization: ${result.units} units, ${result.orders} orders.`);
        return result;
      }),
    );

  const units = program.command('units').description('read the unit tree as of any date, and add units');

  units
    .command('list')
    .description('the units under a parent (default: the top), or those matching --search')
    .addOption(twin('--parent <id>', 'parent unit id'))
    .addOption(twin('--search <text>', 'search names and codes, ignoring case and diacritics'))
    .addOption(twin('--as-of <date>', 'the day to look at (default: today)'))
    .action(
      withContext(async (ctx, globals, options: { parent?: string; search?: string; asOf?: string }) => {
        const asOf = options.asOf ? date(options.asOf, '--as-of') : ctx.today();
        const items = options.search
          ? await searchUnits(ctx.db, { query: options.search, date: asOf, limit: 200, scope: EVERYWHERE })
          : await findChildren(
              ctx.db,
              options.parent ? id(options.parent, '--parent') : null,
              asOf,
              EVERYWHERE,
            );
        if (!globals.json)
          printTable(
            items.map((u) => ({ ...u, kind: ctx.rules.name(u.kind) })),
            ['id', 'code', 'name', 'kind', 'childCount'],
          );
        return items;
      }),
    );

  units
    .command('show <id>')
    .description('a unit as of a date, with its place in the tree')
    .addOption(twin('--as-of <date>', 'the day to look at (default: today)'))
    .action(
      withContext(async (ctx, globals, unitId: string, options: { asOf?: string }) => {
        const asOf = options.asOf ? date(options.asOf, '--as-of') : ctx.today();
        const detail = await getUnit(ctx.db, id(unitId, 'id'), asOf, EVERYWHERE);
        if (!globals.json) {
          const u = detail.unit ?? detail.lastKnown;
          console.log(`${u.code}  ${u.name}  (${ctx.rules.name(u.kind)})`);
          console.log(`path: ${[...detail.ancestors.map((a) => a.name), u.name].join(' › ')}`);
          console.log(
            `exists: ${detail.existence.from} → ${detail.existence.to ?? 'open'}${detail.liveOnDate ? '' : `  — not live on ${asOf}`}`,
          );
          console.log(`units directly under it: ${detail.childCount}`);
        }
        return detail;
      }),
    );

  units
    .command('history <id>')
    .description("a unit's versions and the orders behind them")
    .action(
      withContext(async (ctx, globals, unitId: string) => {
        const history = await getUnitHistory(ctx.db, id(unitId, 'id'), {
          scope: EVERYWHERE,
          date: ctx.today(),
        });
        if (!globals.json) {
          printTable(
            history.versions.map((v) => ({
              ...v,
              to: v.validTo ?? '',
              from: v.validFrom,
              order: v.order ? `#${v.order.id} ${v.order.decisionNumber ?? ''}` : '',
              changes: v.changes.join(','),
            })),
            ['from', 'to', 'code', 'name', 'parentName', 'changes', 'order'],
          );
        }
        return history;
      }),
    );

  units
    .command('lineage <id>')
    .description('predecessors and successors through merges and splits')
    .action(
      withContext(async (ctx, globals, unitId: string) => {
        const lineage = await getLineage(ctx.db, id(unitId, 'id'), EVERYWHERE, ctx.today());
        if (!globals.json) {
          const name = new Map(lineage.nodes.map((n) => [n.id, `${n.code} ${n.name}`]));
          for (const e of lineage.edges)
            console.log(
              `${e.effectiveDate}  ${e.kind}: ${name.get(e.predecessorId)} → ${name.get(e.successorId)}  (order #${e.orderId})`,
            );
          if (!lineage.edges.length) console.log('no merges or splits');
        }
        return lineage;
      }),
    );

  units
    .command('figures <id>')
    .description('units in the subtree by kind, as of a date, or the change since --compare-with')
    .addOption(twin('--as-of <date>', 'the day to look at (default: today)'))
    .addOption(twin('--compare-with <date>', 'show the change from this date to --as-of'))
    .action(
      withContext(async (ctx, globals, unitId: string, options: { asOf?: string; compareWith?: string }) => {
        const asOf = options.asOf ? date(options.asOf, '--as-of') : ctx.today();
        if (options.compareWith) {
          const change = await compareFigures(
            ctx.db,
            id(unitId, 'id'),
            { from: date(options.compareWith, '--compare-with'), to: asOf },
            EVERYWHERE,
            ctx.rules,
          );
          if (!globals.json) {
            printTable(
              change.delta.map((d) => ({ ...d, kind: ctx.rules.name(d.kind) })),
              ['kind', 'from', 'to', 'change'],
            );
            for (const o of change.orders)
              console.log(`  ${o.effectiveDate}  order #${o.id} ${o.decisionNumber ?? ''} ${o.title}`);
          }
          return change;
        }
        const figures = await getFigures(ctx.db, id(unitId, 'id'), asOf, EVERYWHERE, ctx.rules);
        if (!globals.json) {
          printTable(
            figures.byKind.map((k) => ({ ...k, kind: ctx.rules.name(k.kind) })),
            ['kind', 'count'],
          );
          for (const g of figures.groups) console.log(`${ctx.rules.groupName(g.group)}: ${g.count}`);
          console.log(`total: ${figures.total}`);
        }
        return figures;
      }),
    );

  units
    .command('add')
    .description('add a unit (a one-operation order, applied at once)')
    .addOption(twin('--code <code>', 'unit code').makeOptionMandatory())
    .addOption(twin('--name <name>', 'unit name').makeOptionMandatory())
    .addOption(twin('--kind <kind>', 'unit kind code from the rule pack').makeOptionMandatory())
    .addOption(twin('--parent <id>', 'parent unit id (none for a top unit)'))
    .addOption(twin('--date <date>', 'effective date (default: today)'))
    .addOption(twin('--decision <number>', 'decision number'))
    .action(
      withContext(
        async (
          ctx,
          globals,
          options: {
            code: string;
            name: string;
            kind: string;
            parent?: string;
            date?: string;
            decision?: string;
          },
        ) => {
          const effectiveDate = options.date ? date(options.date, '--date') : ctx.today();
          const order = await createAndApplyOrder(ctx, operator(), {
            effectiveDate,
            title: `${options.code} ${options.name}`,
            decision: { number: options.decision ?? null },
            operations: [
              {
                type: 'create',
                code: options.code,
                name: options.name,
                kind: options.kind,
                parentId: options.parent ? id(options.parent, '--parent') : null,
              },
            ],
          });
          const unitId = order.result?.createdUnitIds?.['0']?.[0];
          if (!globals.json) console.log(`added unit ${unitId} by order #${order.id}`);
          return { unitId, order: presentOrder(order, ctx.today()) };
        },
      ),
    );

  const reorg = program
    .command('reorg')
    .description('reorganization orders: create, preview, apply, reverse');

  /** An order from a JSON file (or stdin), checked against the same schema as the API's. */
  function readOrderFile(file: string): Static<typeof OrderBody> & { operations: ReorgOperation[] } {
    const text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AppError('validation_failed', { field: file, params: { reason: reason('json') } });
    }
    assertValid(OrderBody, body);
    return body as Static<typeof OrderBody> & { operations: ReorgOperation[] };
  }

  reorg
    .command('list')
    .description('orders, newest first')
    .addOption(twin('--state <state>', 'only this state').choices(['draft', 'planned', 'in-effect']))
    .action(
      withContext(async (ctx, globals, options: { state?: 'draft' | 'planned' | 'in-effect' }) => {
        const rows = (
          await findOrders(ctx, operator(), { limit: 500, ...(options.state && { state: options.state }) })
        ).map((o) => presentOrder(o, ctx.today()));
        if (!globals.json)
          printTable(
            rows.map((o) => ({ ...o, decision: o.decision.number ?? '', operations: o.operations.length })),
            ['id', 'state', 'effectiveDate', 'decision', 'operations', 'title'],
          );
        return rows;
      }),
    );

  reorg
    .command('show <id>')
    .description('one order')
    .action(
      withContext(async (ctx, globals, orderId: string) => {
        const order = presentOrder(await getOrder(ctx.db, operator(), id(orderId, 'id')), ctx.today());
        if (!globals.json) console.log(JSON.stringify(order, null, 2));
        return globals.json ? order : undefined;
      }),
    );

  reorg
    .command('create <file>')
    .description(
      'create a draft from a JSON file ({effectiveDate, title?, decision?, operations}; - reads stdin)',
    )
    .addOption(twin('--apply', 'apply it at once'))
    .action(
      withContext(async (ctx, globals, file: string, options: { apply?: boolean }) => {
        const body = readOrderFile(file);
        const order = options.apply
          ? await createAndApplyOrder(ctx, operator(), body)
          : await createOrder(ctx, operator(), body);
        if (!globals.json)
          console.log(
            `${options.apply ? 'applied' : 'drafted'} order #${order.id} (version ${order.version})`,
          );
        return presentOrder(order, ctx.today());
      }),
    );

  reorg
    .command('preview <idOrFile>')
    .description('what an order (a draft id, or a JSON file) would change, and the rules it would break')
    .action(
      withContext(async (ctx, globals, target: string) => {
        const order = /^\d+$/.test(target)
          ? await getOrder(ctx.db, operator(), Number(target))
          : readOrderFile(target);
        const preview = await previewOrder(ctx, operator(), order);
        if (!globals.json) {
          for (const c of preview.changes)
            console.log(
              `${c.change.padEnd(10)} ${c.code} ${c.name}${c.to?.parentName ? ` → under ${c.to.parentName}` : ''}`,
            );
          if (preview.figures) {
            console.log(
              `figures of ${preview.figures.unitName}: ${preview.figures.before.total} units before, ${preview.figures.after?.total ?? '?'} after`,
            );
          }
          for (const v of preview.violations)
            console.log(
              `broken rule (${v.code}): ${localizeViolation(v, cliLanguage(globals.lang), ctx.rules).message}`,
            );
        }
        if (preview.violations.length) process.exitCode = EXIT.ruleBroken;
        const lang = cliLanguage(globals.lang);
        return {
          ...preview,
          violations: preview.violations.map((v) => localizeViolation(v, lang, ctx.rules)),
        };
      }),
    );

  reorg
    .command('apply <id>')
    .description(
      'apply a draft on its effective date (with --expect-version, only if it is still the version you reviewed)',
    )
    .addOption(twin('--expect-version <n>', 'the draft version you reviewed (default: the current one)'))
    .action(
      withContext(async (ctx, globals, orderId: string, options: { expectVersion?: string }) => {
        const order = await getOrder(ctx.db, operator(), id(orderId, 'id'));
        const applied = await applyOrder(
          ctx,
          operator(),
          order.id,
          options.expectVersion ? id(options.expectVersion, '--expect-version') : order.version,
        );
        if (!globals.json) console.log(`applied order #${applied.id}, effective ${applied.effectiveDate}`);
        return presentOrder(applied, ctx.today());
      }),
    );

  reorg
    .command('reverse <id>')
    .description('draft the order that undoes an applied one')
    .addOption(
      twin('--date <date>', 'effective date of the reversal (default: the date of the order undone)'),
    )
    .action(
      withContext(async (ctx, globals, orderId: string, options: { date?: string }) => {
        const draft = await draftReversal(
          ctx,
          operator(),
          id(orderId, 'id'),
          options.date ? date(options.date, '--date') : undefined,
          cliLanguage(globals.lang),
        );
        if (!globals.json) console.log(`drafted reversal #${draft.id}; preview it, then apply it`);
        return presentOrder(draft, ctx.today());
      }),
    );

  reorg
    .command('delete <id>')
    .description('delete a draft')
    .action(
      withContext(async (ctx, globals, orderId: string) => {
        const order = await getOrder(ctx.db, operator(), id(orderId, 'id'));
        await deleteOrder(ctx, operator(), order.id, order.version);
        if (!globals.json) console.log(`deleted draft #${order.id}`);
        return { deleted: order.id };
      }),
    );
  addMemberCommands(program, withContext, { date, id, twin });
  addImportCommands(program, withContext, { date, id, twin });
  addExportCommands(program, withContext, { date, id, twin });
  addUserCommands(program, withContext, { date, id });
  addAuditCommands(program, withContext);
  addApiCommand(program);
  return program;
}

/** Runs the CLI with these arguments (as in process.argv) and returns its exit code. */
export async function runCli(argv: string[]): Promise<number> {
  process.exitCode = EXIT.ok;
  await buildProgram().parseAsync(argv);
  return Number(process.exitCode ?? EXIT.ok);
}

// Run when started directly (`node dist/cli.js …`); bin/rollbook.js imports it and calls runCli.
if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  process.exitCode = await runCli(process.argv);
}
