import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AppError,
  type DateOrder,
  DATE_ORDERS,
  formatReason,
  IMPORT_ENTITIES,
  type ImportEntity,
  reason,
} from '@rollbook/domain';
import type { Command } from 'commander';
import type { WithContext } from '../cli.js';
import type { AppContext } from '../context.js';
import {
  applyImportTemplate,
  commitImport,
  getImport,
  importProblems,
  importSettled,
  type ImportView,
  liveProgress,
  problemParams,
  problemsCsv,
  problemsXlsx,
  recoverImports,
  uploadImport,
  validateImport,
} from '../modules/imports/imports.service.js';
import {
  createImportTemplate,
  getImportTemplateByName,
} from '../modules/imports/import-templates.service.js';
import { operator } from './operator.js';
import { cliLanguage, EXIT } from './output.js';
import type { Parsers } from './member-commands.js';
import { resolveUnit } from './unit-option.js';

interface ImportOptions {
  entity: string;
  unit?: string;
  map?: string[];
  dateOrder?: string;
  dryRun?: boolean;
  resume?: string;
  problems?: string;
  template?: string;
  saveTemplate?: string;
  encoding?: string;
  delimiter?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--map fullName="Họ và tên"`: a field and the column header that holds it. */
function parseMapping(pairs: readonly string[] | undefined): Record<string, string> | undefined {
  if (!pairs?.length) return undefined;
  const mapping: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1)
      throw new AppError('validation_failed', {
        field: '--map',
        params: { reason: reason('pattern'), value: pair },
      });
    mapping[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return mapping;
}

/** A progress line on stderr while a run of this process goes on: rows, rows/s and time left. */
async function follow(id: number, quiet: boolean): Promise<void> {
  const tty = process.stderr.isTTY && !quiet;
  const timer = tty
    ? setInterval(() => {
        const p = liveProgress(id);
        if (!p) return;
        const elapsed = (Date.now() - p.startedAt) / 1000;
        const rate = elapsed > 0 ? Math.round(p.rowsDone / elapsed) : 0;
        const left = p.fraction > 0.01 ? Math.round((elapsed * (1 - p.fraction)) / p.fraction) : null;
        process.stderr.write(
          `\r${p.phase}${p.step ? ` (${p.step})` : ''}: ${Math.round(p.fraction * 100)} %, ${p.rowsDone.toLocaleString('en')} rows, ${rate.toLocaleString('en')} rows/s${left !== null ? `, ~${left} s left` : ''}   `,
        );
      }, 250)
    : undefined;
  try {
    await importSettled(id);
  } finally {
    if (timer) {
      clearInterval(timer);
      process.stderr.write('\n');
    }
  }
}

async function writeProblems(
  ctx: AppContext,
  id: number,
  file: string,
  lang: ReturnType<typeof cliLanguage>,
) {
  // The file's extension says which: a workbook for .xlsx, CSV otherwise.
  const body = file.toLowerCase().endsWith('.xlsx')
    ? await problemsXlsx(ctx, operator(), id, lang)
    : Readable.from(await problemsCsv(ctx, operator(), id, lang));
  await pipeline(body, fs.createWriteStream(file));
}

/**
 * Saves the mapping an import used under a name, unless the mapping itself was wrong (a column the
 * file lacks, a required field unmapped): problems in the rows do not make the mapping wrong.
 */
async function saveTemplate(ctx: AppContext, job: ImportView, name: string, quiet: boolean): Promise<void> {
  const first = await importProblems(ctx, operator(), job.id, { limit: 1, afterSeq: 0 });
  if (!job.mapping || (first[0] && first[0].row === null)) {
    if (!quiet) console.error(`the mapping has problems; not saved as template “${name}”.`);
    return;
  }
  const template = await createImportTemplate(ctx, operator(), {
    entity: job.entity as ImportEntity,
    name,
    mapping: job.mapping,
    ...(job.options.dateOrder && { dateOrder: job.options.dateOrder }),
    unitId: job.unitId,
  });
  if (!quiet) console.log(`mapping saved as template “${template.name}” (#${template.id}).`);
}

/** `rollbook import FILE`: the same road as the web app — upload, validate, commit — in one go. */
export function addImportCommands(program: Command, withContext: WithContext, parse: Parsers): void {
  program
    .command('import')
    .description(
      'import members (or units, events, cards) from a CSV or XLSX file: every row is checked before anything is written, then all are written or none',
    )
    .argument('[file]', 'the CSV or XLSX file (not needed with --resume)')
    .addOption(
      parse
        .twin(
          '--entity <entity>',
          'what the rows are: members, units (a tree, as the units export writes it), events (lifecycle events of members in the register, as the events export writes them), or cards (card issues of members in the register)',
        )
        .default('members'),
    )
    .addOption(parse.twin('--unit <code>', 'the unit the rows must lie under (id or code)'))
    .option(
      '--map <field=header>',
      'a field and the column that holds it (repeat; guessed from the headers otherwise)',
      collect,
    )
    .addOption(
      parse.twin('--date-order <order>', 'dates with slashes are dmy (day first, the default) or mdy'),
    )
    .option('--dry-run', 'validate only: list the problems, write nothing')
    .addOption(
      parse.twin('--resume <id>', 'carry on with an import started before (validate if needed, then commit)'),
    )
    .addOption(
      parse.twin(
        '--problems <file>',
        'write the problems found to this file: CSV, or a workbook if it ends in .xlsx',
      ),
    )
    .addOption(
      parse.twin(
        '--template <name>',
        'apply a saved column mapping (--map still corrects it column by column)',
      ),
    )
    .addOption(
      parse.twin('--save-template <name>', 'save the mapping used under this name, for the next file'),
    )
    .addOption(
      parse.twin('--encoding <name>', 'a CSV in a legacy encoding (windows-1258, …); detected otherwise'),
    )
    .addOption(
      parse.twin('--delimiter <char>', "a CSV's delimiter (\\t for Tab); detected from the header otherwise"),
    )
    .action(
      withContext(async (ctx, globals, file: string | undefined, options: ImportOptions) => {
        const lang = cliLanguage(globals.lang);
        const quiet = !!globals.json;
        if (!(IMPORT_ENTITIES as readonly string[]).includes(options.entity))
          throw new AppError('validation_failed', { field: '--entity', params: { reason: reason('enum') } });
        if (options.dateOrder && !(DATE_ORDERS as readonly string[]).includes(options.dateOrder))
          throw new AppError('validation_failed', {
            field: '--date-order',
            params: { reason: reason('enum') },
          });
        const entity = options.entity as ImportEntity;
        const mapping = parseMapping(options.map);
        let job: ImportView;
        if (options.resume) {
          const id = parse.id(options.resume, '--resume');
          await getImport(ctx, operator(), id, lang);
          await recoverImports(ctx, id);
          job = await getImport(ctx, operator(), id, lang);
        } else {
          if (!file)
            throw new AppError('validation_failed', {
              field: 'file',
              params: { reason: reason('required') },
            });
          if (!fs.existsSync(file))
            throw new AppError('validation_failed', {
              field: 'file',
              params: { reason: reason('required') },
            });
          const unit = options.unit ? await resolveUnit(ctx, options.unit, ctx.today(), '--unit') : null;
          job = await uploadImport(
            ctx,
            operator(),
            {
              entity,
              fileName: path.basename(file),
              unitId: unit?.id ?? null,
              body: fs.createReadStream(file),
              encoding: options.encoding ?? null,
              delimiter: options.delimiter === '\\t' ? '\t' : (options.delimiter ?? null),
            },
            lang,
          );
          if (!quiet)
            console.log(
              `import #${job.id}: ${job.format}${job.encoding ? ` (${job.encoding}${job.delimiter ? `, “${job.delimiter === '\t' ? '\\t' : job.delimiter}”` : ''})` : ''}, columns: ${job.headers.join(' | ')}`,
            );
          if (options.template) {
            const template = await getImportTemplateByName(ctx, operator(), entity, options.template);
            const applied = await applyImportTemplate(ctx, operator(), job.id, template.id, lang);
            job = applied;
            // What the file lacks stays mapped, so the check lists it too; --map can point it elsewhere.
            if (!quiet)
              for (const m of applied.missingColumns)
                console.error(`template “${template.name}”: ${m.message}`);
          }
        }
        if (job.status !== 'validated' && job.status !== 'committed') {
          const started = await validateImport(
            ctx,
            operator(),
            job.id,
            {
              // --map corrects the guess field by field.
              ...(mapping && { mapping: { ...(job.mapping ?? {}), ...mapping } }),
              ...(options.dateOrder && { dateOrder: options.dateOrder as DateOrder }),
            },
            lang,
          );
          if (!quiet) {
            const used = started.job.mapping ?? {};
            console.log(
              `mapping: ${Object.entries(used)
                .map(([field, header]) => `${field}=${header}`)
                .join(', ')}`,
            );
          }
          await follow(job.id, quiet);
          await started.done;
          job = await getImport(ctx, operator(), job.id, lang);
        }
        if (options.saveTemplate) await saveTemplate(ctx, job, options.saveTemplate, quiet);
        if (job.status === 'invalid' || job.status === 'failed') {
          if (job.failure) {
            throw new AppError(job.failure.code as never, { field: 'file', params: job.failure.params });
          }
          const shown = await importProblems(ctx, operator(), job.id, { limit: 50, afterSeq: 0 });
          if (!quiet) {
            for (const p of shown)
              console.error(
                `${p.row === null ? 'mapping' : `row ${p.row}`}${p.column ? `, ${p.column}` : ''}${p.value ? ` “${p.value}”` : ''}: ${formatReason(p.reason, lang, problemParams(ctx, p.params, lang))}`,
              );
            if (job.problemCount > shown.length)
              console.error(`… and ${job.problemCount - shown.length} more`);
          }
          if (options.problems) await writeProblems(ctx, job.id, options.problems, lang);
          process.exitCode = EXIT.ruleBroken;
          if (!quiet) console.error(`import #${job.id}: ${job.problemCount} problems; nothing was written.`);
          return quiet ? { id: job.id, status: job.status, problemCount: job.problemCount } : undefined;
        }
        if (options.dryRun) {
          if (!quiet)
            console.log(
              `import #${job.id}: ${job.rowsTotal} rows checked, no problems; nothing written (--dry-run).`,
            );
          return quiet ? { id: job.id, status: job.status, rows: job.rowsTotal } : undefined;
        }
        if (job.status !== 'committed') {
          const committing = await commitImport(ctx, operator(), job.id, lang);
          await follow(job.id, quiet);
          await committing.done;
          job = await getImport(ctx, operator(), job.id, lang);
        }
        if (job.status !== 'committed') {
          if (job.failure) throw new AppError(job.failure.code as never, { params: job.failure.params });
          process.exitCode = EXIT.ruleBroken;
          if (!quiet)
            console.error(
              `import #${job.id}: the register changed since validation; ${job.problemCount} problems.`,
            );
          return quiet ? { id: job.id, status: job.status, problemCount: job.problemCount } : undefined;
        }
        if (!quiet) {
          const r = job.result ?? {};
          console.log(
            r.alreadyImportedBy
              ? `import #${job.id}: this file was imported before (#${String(r.alreadyImportedBy)}); nothing new written.`
              : job.entity === 'units'
                ? `import #${job.id}: ${String(r.units ?? 0)} units created by ${String(r.orders ?? 0)} orders.`
                : job.entity === 'events'
                  ? `import #${job.id}: ${String(r.events ?? 0)} events written for ${String(r.members ?? 0)} members.`
                  : job.entity === 'cards'
                    ? `import #${job.id}: ${String(r.cards ?? 0)} cards written for ${String(r.members ?? 0)} members.`
                    : `import #${job.id}: ${String(r.members ?? 0)} members written.`,
          );
        }
        return quiet ? { id: job.id, status: job.status, result: job.result } : undefined;
      }),
    );
}
