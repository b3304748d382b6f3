import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { AppError, reason } from '@rollbook/domain';
import type { Command } from 'commander';
import type { WithContext } from '../cli.js';
import { defaultPeriod, exportEvents } from '../modules/exports/events-export.js';
import { exportMembers } from '../modules/exports/members-export.js';
import {
  columnList,
  EXPORT_FORMATS,
  type ExportFile,
  type ExportFormat,
} from '../modules/exports/spreadsheet.js';
import { exportUnits } from '../modules/exports/units-export.js';
import { LIST_STATUSES } from '../modules/members/members.service.js';
import { addFiguresExportCommand } from './figures-export-command.js';
import type { Parsers } from './member-commands.js';
import { operator } from './operator.js';
import { cliLanguage } from './output.js';
import { resolveUnit } from './unit-option.js';

interface ExportOptions {
  unit?: string;
  asOf?: string;
  from?: string;
  to?: string;
  includeCorrected?: boolean;
  status?: (typeof LIST_STATUSES)[number];
  columns?: string;
  format?: string;
  out?: string;
}

/** The format asked, else the one --out's extension names; a workbook needs a file to go to. */
function formatOf(o: ExportOptions): ExportFormat {
  const format = (o.format ?? (o.out?.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv')) as ExportFormat;
  if (!EXPORT_FORMATS.includes(format))
    throw new AppError('validation_failed', { field: '--format', params: { reason: reason('enum') } });
  if (format === 'xlsx' && !o.out)
    throw new AppError('validation_failed', { field: '--out', params: { reason: reason('required') } });
  return format;
}

async function write(file: ExportFile, out: string | undefined): Promise<undefined> {
  await pipeline(file.body, out ? fs.createWriteStream(out) : process.stdout, { end: !!out });
  return undefined;
}

/** `rollbook export members|units|events`: the same streams as the API's, to a file or to standard output. */
export function addExportCommands(program: Command, withContext: WithContext, parse: Parsers): void {
  const exporting = program.command('export').description('write register data to CSV or XLSX files');
  exporting
    .command('members')
    .description('the members of a subtree as of a date, in the columns chosen (headers in --lang)')
    .addOption(
      parse.twin('--unit <unit>', 'the subtree: a unit id or its code on that day (default: everywhere)'),
    )
    .addOption(parse.twin('--as-of <date>', 'the day to look at (default: today)'))
    .option('--status <status>', `members (the default), one status, or all: ${LIST_STATUSES.join(', ')}`)
    .option('--columns <keys>', 'column keys, comma-separated (default: all)')
    .option('--format <format>', 'csv or xlsx (default: from --out, else csv)')
    .option('-o, --out <file>', 'the file to write (default: standard output, CSV only)')
    .action(
      withContext(async (ctx, globals, o: ExportOptions) => {
        const asOf = o.asOf ? parse.date(o.asOf, '--as-of') : ctx.today();
        const format = formatOf(o);
        if (o.status && !(LIST_STATUSES as readonly string[]).includes(o.status))
          throw new AppError('validation_failed', { field: '--status', params: { reason: reason('enum') } });
        const unit = o.unit ? await resolveUnit(ctx, o.unit, asOf, '--unit') : undefined;
        const file = await exportMembers(
          ctx,
          operator(),
          {
            asOf,
            format,
            ...(unit && { unitId: unit.id }),
            ...(o.status && { status: o.status }),
            ...(o.columns && { columns: o.columns.split(',').map((c) => c.trim()) }),
          },
          cliLanguage(globals.lang),
        );
        return write(file, o.out);
      }),
    );
  exporting
    .command('units')
    .description('the unit tree of a subtree as of a date, parents before children (headers in --lang)')
    .addOption(
      parse.twin('--unit <unit>', 'the subtree: a unit id or its code on that day (default: everywhere)'),
    )
    .addOption(parse.twin('--as-of <date>', 'the day to look at (default: today)'))
    .option('--columns <keys>', 'column keys, comma-separated (default: all)')
    .option('--format <format>', 'csv or xlsx (default: from --out, else csv)')
    .option('-o, --out <file>', 'the file to write (default: standard output, CSV only)')
    .action(
      withContext(async (ctx, globals, o: ExportOptions) => {
        const asOf = o.asOf ? parse.date(o.asOf, '--as-of') : ctx.today();
        const format = formatOf(o);
        const unit = o.unit ? await resolveUnit(ctx, o.unit, asOf, '--unit') : undefined;
        const columns = columnList(o.columns);
        const file = await exportUnits(
          ctx,
          operator(),
          { asOf, format, ...(unit && { unitId: unit.id }), ...(columns && { columns }) },
          cliLanguage(globals.lang),
        );
        return write(file, o.out);
      }),
    );
  exporting
    .command('events')
    .description('the lifecycle events of a period in a subtree, in date order (headers in --lang)')
    .addOption(
      parse.twin('--unit <unit>', 'the subtree: a unit id or its code on --to (default: everywhere)'),
    )
    .addOption(parse.twin('--from <date>', 'the first day of the period (default: 1 January this year)'))
    .addOption(parse.twin('--to <date>', 'the last day of the period, included (default: 31 December)'))
    .option('--include-corrected', 'also the events later corrected')
    .option('--columns <keys>', 'column keys, comma-separated (default: all)')
    .option('--format <format>', 'csv or xlsx (default: from --out, else csv)')
    .option('-o, --out <file>', 'the file to write (default: standard output, CSV only)')
    .action(
      withContext(async (ctx, globals, o: ExportOptions) => {
        const period = defaultPeriod(ctx.today());
        const from = o.from ? parse.date(o.from, '--from') : period.from;
        const to = o.to ? parse.date(o.to, '--to') : period.to;
        const format = formatOf(o);
        const unit = o.unit ? await resolveUnit(ctx, o.unit, to, '--unit') : undefined;
        const columns = columnList(o.columns);
        const file = await exportEvents(
          ctx,
          operator(),
          {
            from,
            to,
            format,
            ...(unit && { unitId: unit.id }),
            ...(o.includeCorrected && { includeCorrected: true }),
            ...(columns && { columns }),
          },
          cliLanguage(globals.lang),
        );
        return write(file, o.out);
      }),
    );
  addFiguresExportCommand(exporting, withContext, parse);
}
