import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { AppError, reason } from '@rollbook/domain';
import type { Command } from 'commander';
import type { WithContext } from '../cli.js';
import { EXPORT_FORMATS, type ExportFormat, exportMembers } from '../modules/exports/members-export.js';
import { LIST_STATUSES } from '../modules/members/members.service.js';
import { addFiguresExportCommand } from './figures-export-command.js';
import type { Parsers } from './member-commands.js';
import { operator } from './operator.js';
import { cliLanguage } from './output.js';
import { resolveUnit } from './unit-option.js';

interface ExportOptions {
  unit?: string;
  asOf?: string;
  status?: (typeof LIST_STATUSES)[number];
  columns?: string;
  format?: string;
  out?: string;
}

/** `rollbook export members`: the same stream as the API's, to a file or to standard output. */
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
    .option('--out <file>', 'the file to write (default: standard output, CSV only)')
    .action(
      withContext(async (ctx, globals, o: ExportOptions) => {
        const asOf = o.asOf ? parse.date(o.asOf, '--as-of') : ctx.today();
        const format = (o.format ??
          (o.out?.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv')) as ExportFormat;
        if (!EXPORT_FORMATS.includes(format))
          throw new AppError('validation_failed', { field: '--format', params: { reason: reason('enum') } });
        if (o.status && !(LIST_STATUSES as readonly string[]).includes(o.status))
          throw new AppError('validation_failed', { field: '--status', params: { reason: reason('enum') } });
        if (format === 'xlsx' && !o.out)
          throw new AppError('validation_failed', { field: '--out', params: { reason: reason('required') } });
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
        await pipeline(file.body, o.out ? fs.createWriteStream(o.out) : process.stdout, { end: !!o.out });
        return undefined;
      }),
    );
  addFiguresExportCommand(exporting, withContext, parse);
}
