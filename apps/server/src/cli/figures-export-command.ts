import fs from 'node:fs';
import { AppError, type IsoDate, reason } from '@rollbook/domain';
import type { Command } from 'commander';
import type { WithContext } from '../cli.js';
import { createPdfPrinter } from '../lib/pdf-printer.js';
import { exportFigures, FIGURES_FORMATS, type FiguresFormat } from '../modules/exports/figures-export.js';
import type { Parsers } from './member-commands.js';
import { operator } from './operator.js';
import { cliLanguage } from './output.js';
import { resolveUnit } from './unit-option.js';

interface FiguresOptions {
  unit: string;
  asOf?: string;
  from?: string;
  to?: string;
  format?: string;
  out?: string;
}

/** `rollbook export figures`: a unit's member figures as the API writes them, to a file (or CSV to standard output). */
export function addFiguresExportCommand(exporting: Command, withContext: WithContext, parse: Parsers): void {
  exporting
    .command('figures')
    .description('the member figures of a subtree as of a date, and a period’s flows (labels in --lang)')
    .addOption(
      parse.twin('--unit <unit>', 'the subtree: a unit id or its code on that day').makeOptionMandatory(),
    )
    .addOption(parse.twin('--as-of <date>', 'the day to count on (default: today)'))
    .addOption(
      parse.twin('--from <date>', 'with --to: the flows of this period against the one before and last year'),
    )
    .addOption(parse.twin('--to <date>', 'the last day of the period, included'))
    .option('--format <format>', `${FIGURES_FORMATS.join(', ')} (default: from --out, else csv)`)
    .option('-o, --out <file>', 'the file to write (default: standard output, CSV only)')
    .action(
      withContext(async (ctx, globals, o: FiguresOptions) => {
        const asOf = (o.asOf ? parse.date(o.asOf, '--as-of') : ctx.today()) as IsoDate;
        if ((o.from === undefined) !== (o.to === undefined))
          throw new AppError('validation_failed', {
            field: o.from === undefined ? '--from' : '--to',
            params: { reason: reason('required') },
          });
        const period =
          o.from && o.to
            ? { from: parse.date(o.from, '--from') as IsoDate, to: parse.date(o.to, '--to') as IsoDate }
            : undefined;
        const extension = o.out?.toLowerCase().match(/\.(csv|xlsx|pdf)$/)?.[1];
        const format = (o.format ?? extension ?? 'csv') as FiguresFormat;
        if (!FIGURES_FORMATS.includes(format))
          throw new AppError('validation_failed', { field: '--format', params: { reason: reason('enum') } });
        if (format !== 'csv' && !o.out)
          throw new AppError('validation_failed', { field: '--out', params: { reason: reason('required') } });
        const unit = await resolveUnit(ctx, o.unit, asOf, '--unit');
        const printer = createPdfPrinter(ctx.config.chromiumPath, { concurrency: 1 });
        try {
          const file = await exportFigures(
            ctx,
            operator(),
            { unitId: unit.id, asOf, format, ...(period && { period }) },
            cliLanguage(globals.lang),
            printer,
          );
          if (o.out) fs.writeFileSync(o.out, file.body);
          else process.stdout.write(file.body);
        } finally {
          await printer.close();
        }
        return undefined;
      }),
    );
}
