import readline from 'node:readline';
import { Writable } from 'node:stream';
import { AppError, reason } from '@rollbook/domain';
import { type Command, Option } from 'commander';
import type { AppContext } from '../context.js';
import type { Globals, WithContext } from '../cli.js';
import { operator } from './operator.js';
import { findUserByUsername } from '../modules/access/access.repository.js';
import { EVERYWHERE } from '../modules/access/actor.js';
import {
  createUserLocally,
  getUser,
  grantRole,
  listUsers,
  resetPassword,
  revokeGrant,
  unlinkSingleSignOn,
  updateUser,
} from '../modules/access/users.service.js';
import { auditCsv, findAuditEvents, verifyAudit } from '../modules/audit/audit.service.js';
import { EXIT, printTable } from './output.js';

/**
 * A password from stdin (`--password-stdin`), the ROLLBOOK_PASSWORD environment variable, or typed
 * twice at a hidden prompt. Never from an argument: arguments end up in shell history and in `ps`.
 */
async function readPassword(fromStdin: boolean | undefined): Promise<string> {
  // Scripts and containers may pass it in the environment instead (never on the command line).
  if (!fromStdin && process.env.ROLLBOOK_PASSWORD) return process.env.ROLLBOOK_PASSWORD;
  if (fromStdin || !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
    if (!line)
      throw new AppError('validation_failed', { field: 'password', params: { reason: reason('required') } });
    return line;
  }
  const ask = async (question: string) => {
    let muted = false;
    const output = new Writable({
      write(chunk, _encoding, done) {
        if (!muted) process.stdout.write(chunk);
        done();
      },
    });
    const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
    const answer = new Promise<string>((resolve) => rl.question(question, resolve));
    muted = true;
    const text = await answer;
    rl.close();
    process.stdout.write('\n');
    return text;
  };
  const first = await ask('Password: ');
  const second = await ask('Again: ');
  if (first !== second) {
    throw new AppError('validation_failed', {
      field: 'password',
      params: { reason: reason('passwords_differ') },
    });
  }
  return first;
}

async function userByName(ctx: AppContext, username: string) {
  const user = await findUserByUsername(ctx.db, username);
  if (!user) throw new AppError('user_not_found', { field: 'username', params: { user: username } });
  return user;
}

/** `--unit <id>` or `--unit everywhere`. */
function unitOption(value: string | undefined, id: (v: string, f: string) => number): number | null {
  if (value === undefined || value === 'everywhere') return null;
  return id(value, '--unit');
}

/** `rollbook user …`: the operator of the data folder manages accounts (audited as cli:<user>@<host>). */
export function addUserCommands(
  program: Command,
  withContext: WithContext,
  parse: { date: (v: string, f: string) => string; id: (v: string, f: string) => number },
): void {
  const user = program.command('user').description('user accounts and their grants');

  user
    .command('create <username>')
    .description('create a user; --admin makes an organization-wide administrator (the first one, typically)')
    .requiredOption('--name <displayName>', 'the name shown to others')
    .option('--email <email>', 'email address (single sign-on may match it)')
    .option('--admin', 'grant the administrator role over the whole organization')
    .option('--role <code>', 'grant this role (with --unit)')
    .option('--unit <id>', "the unit whose subtree the role reaches, or 'everywhere'")
    .option('--no-password', 'no password: the user signs in only through single sign-on')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .action(
      withContext(
        async (
          ctx,
          globals: Globals,
          username: string,
          options: {
            name: string;
            email?: string;
            admin?: boolean;
            role?: string;
            unit?: string;
            password: boolean;
            passwordStdin?: boolean;
          },
        ) => {
          const password =
            options.password || options.admin ? await readPassword(options.passwordStdin) : null;
          const made = await createUserLocally(ctx, operator(), {
            username,
            displayName: options.name,
            email: options.email ?? null,
            password,
            admin: !!options.admin,
            grants: options.role ? [{ role: options.role, unitId: unitOption(options.unit, parse.id) }] : [],
          });
          if (!globals.json)
            console.log(
              `created user ${made.username} (#${made.id})${options.admin ? ' as administrator' : ''}`,
            );
          return made;
        },
      ),
    );

  user
    .command('list')
    .description('every user and their grants')
    .option('--search <text>', 'part of a user name or display name')
    .action(
      withContext(async (ctx, globals: Globals, options: { search?: string }) => {
        const users = await listUsers(ctx, operator(), {
          limit: 10000,
          ...(options.search && { q: options.search }),
        });
        if (!globals.json) {
          printTable(
            users.map((u) => ({
              ...u,
              active: u.active ? 'yes' : 'no',
              grants: u.grants
                .filter((g) => g.active)
                .map((g) => `${g.role}@${g.unit ? g.unit.code : 'everywhere'}`)
                .join(', '),
            })),
            ['id', 'username', 'displayName', 'active', 'grants'],
          );
        }
        return users;
      }),
    );

  user
    .command('grant <username>')
    .description('grant a role over a unit’s subtree (or everywhere)')
    .requiredOption('--role <code>', 'role code')
    .requiredOption('--unit <id>', "unit id, or 'everywhere'")
    .option('--from <date>', 'first day in force (default: today)')
    .action(
      withContext(
        async (
          ctx,
          globals: Globals,
          username: string,
          options: { role: string; unit: string; from?: string },
        ) => {
          const found = await userByName(ctx, username);
          const updated = await grantRole(ctx, operator(), found.id, {
            role: options.role,
            unitId: unitOption(options.unit, parse.id),
            ...(options.from && { from: parse.date(options.from, '--from') }),
          });
          if (!globals.json) console.log(`granted ${options.role} to ${username}`);
          return updated;
        },
      ),
    );

  user
    .command('revoke <username> <grantId>')
    .description('end a grant today (see `user list --json` for grant ids)')
    .action(
      withContext(async (ctx, globals: Globals, username: string, grantId: string) => {
        const found = await userByName(ctx, username);
        const updated = await revokeGrant(ctx, operator(), found.id, parse.id(grantId, 'grantId'));
        if (!globals.json) console.log(`revoked grant #${grantId} of ${username}`);
        return updated;
      }),
    );

  user
    .command('password <username>')
    .description('set a new password (the user’s sessions end at once)')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .action(
      withContext(async (ctx, globals: Globals, username: string, options: { passwordStdin?: boolean }) => {
        const found = await userByName(ctx, username);
        await resetPassword(ctx, operator(), found.id, await readPassword(options.passwordStdin));
        if (!globals.json) console.log(`password of ${username} changed; their sessions ended`);
        return { username };
      }),
    );

  user
    .command('unlink-sso <username>')
    .description('forget the single sign-on identity linked to a user')
    .action(
      withContext(async (ctx, globals: Globals, username: string) => {
        const found = await userByName(ctx, username);
        const updated = await unlinkSingleSignOn(ctx, operator(), found.id);
        if (!globals.json) console.log(`single sign-on unlinked from ${username}`);
        return updated;
      }),
    );

  for (const [name, active] of [
    ['deactivate', false],
    ['activate', true],
  ] as const) {
    user
      .command(`${name} <username>`)
      .description(
        active
          ? 'let a deactivated user sign in again'
          : 'stop a user from signing in (their sessions end at once)',
      )
      .action(
        withContext(async (ctx, globals: Globals, username: string) => {
          const found = await userByName(ctx, username);
          const current = await getUser(ctx, operator(), found.id);
          const updated = await updateUser(ctx, operator(), found.id, current.version, { active });
          if (!globals.json) console.log(`${username} is ${active ? 'active' : 'deactivated'}`);
          return updated;
        }),
      );
  }
}

/** `rollbook audit …`: read and verify the audit chain. */
export function addAuditCommands(program: Command, withContext: WithContext): void {
  const audit = program.command('audit').description('the hash-chained audit trail');

  audit
    .command('verify')
    .description(
      'check the whole chain; names the first broken event (exit 7) or prints the head to keep as an anchor',
    )
    .addOption(
      new Option(
        '--anchor <seq:hash>',
        'a head noted earlier: also catches a chain rewritten or cut since',
      ).env('ROLLBOOK_AUDIT_ANCHOR'),
    )
    .action(
      withContext(async (ctx, globals: Globals, options: { anchor?: string }) => {
        const match = options.anchor ? /^(\d+):([0-9a-fA-F]{64})$/.exec(options.anchor) : null;
        if (options.anchor && !match) {
          throw new AppError('validation_failed', {
            field: '--anchor',
            params: { reason: reason('anchor') },
          });
        }
        const report = await verifyAudit(
          ctx.db,
          match ? { seq: Number(match[1]), hash: match[2]! } : undefined,
        );
        if (!globals.json) {
          if (report.ok) {
            console.log(`audit chain intact: ${report.events} events verified in ${report.milliseconds} ms`);
            if (report.head)
              console.log(`head (keep it as an anchor): ${report.head.seq}:${report.head.hash}`);
          } else {
            console.log(
              `audit chain BROKEN at event ${report.broken!.seq} (${report.broken!.problem}); ${report.events} events`,
            );
          }
        }
        if (!report.ok) process.exitCode = EXIT.tampered;
        return report;
      }),
    );

  audit
    .command('list')
    .description('audit events, newest first')
    .option('--limit <n>', 'how many', '50')
    .option('--action <action>', 'only this action, e.g. order.apply')
    .option('--unit <id>', 'only events about this unit’s subtree')
    .action(
      withContext(
        async (ctx, globals: Globals, options: { limit: string; action?: string; unit?: string }) => {
          const events = await findAuditEvents(ctx.db, EVERYWHERE, {
            limit: Math.min(Number(options.limit) || 50, 10000),
            ...(options.action && { action: options.action }),
            ...(options.unit && { unitId: Number(options.unit) }),
          });
          if (!globals.json) {
            printTable(
              events.map((e) => ({
                ...e,
                actor: e.actor.name,
                entity: `${e.entity.type} ${e.entity.id ?? ''}`,
                units: e.unitIds.join(' '),
              })),
              ['seq', 'at', 'actor', 'action', 'entity', 'units'],
            );
          }
          return events;
        },
      ),
    );

  audit
    .command('export')
    .description('every audit event as CSV on stdout')
    .action(
      withContext(async (ctx) => {
        for await (const line of auditCsv(ctx.db, EVERYWHERE, {})) process.stdout.write(line);
        return undefined;
      }),
    );
}
