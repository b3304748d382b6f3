import fs from 'node:fs';
import { ERROR_CODES, type ErrorCode } from '@rollbook/domain';
import { type Command, Option } from 'commander';
import { cliLanguage, EXIT, exitCodeFor } from './output.js';

const METHODS = ['GET', 'POST', 'PATCH', 'DELETE'] as const;

/**
 * `rollbook api <method> <path>`: calls a Rollbook server's API with an API token, for scripts
 * that run away from the server's data (the other commands work on a database directly). The
 * answer is printed as it came; a problem's code gives the usual exit code.
 */
export function addApiCommand(program: Command): void {
  program
    .command('api <method> <path>')
    .description(
      'call the API of a remote Rollbook server with an API token, e.g. `api GET /api/v1/units?parentId=root`',
    )
    .addOption(
      new Option('--server <url>', 'the server, e.g. https://rollbook.example.org').env('ROLLBOOK_SERVER'),
    )
    .addOption(
      new Option('--token <token>', 'an API token (rbk_…); prefer the environment variable').env(
        'ROLLBOOK_TOKEN',
      ),
    )
    .addOption(new Option('--data <file>', 'JSON body from a file (- for stdin)'))
    .addOption(new Option('--if-match <etag>', 'the version the write is based on'))
    .action(
      async (
        method: string,
        path: string,
        options: { server?: string; token?: string; data?: string; ifMatch?: string },
      ) => {
        const lang = cliLanguage((program.opts() as { lang?: string }).lang);
        const verb = method.toUpperCase();
        const fail = (message: string, code: number = EXIT.invalid) => {
          console.error(`error: ${message}`);
          process.exitCode = code;
        };
        if (!(METHODS as readonly string[]).includes(verb))
          return fail(`method must be one of ${METHODS.join(', ')}`);
        if (!options.server) return fail('--server (or ROLLBOOK_SERVER) is required');
        if (!options.token)
          return fail('--token (or ROLLBOOK_TOKEN) is required: make one on your account page');
        if (!path.startsWith('/')) return fail('the path starts with /, e.g. /api/v1/units?parentId=root');
        const headers: Record<string, string> = {
          authorization: `Bearer ${options.token}`,
          accept: 'application/json, application/problem+json, text/csv',
          'accept-language': lang,
        };
        let body: string | undefined;
        if (options.data) {
          body = fs.readFileSync(options.data === '-' ? 0 : options.data, 'utf8');
          headers['content-type'] = 'application/json';
        }
        if (options.ifMatch) headers['if-match'] = options.ifMatch;
        let response: Response;
        try {
          response = await fetch(new URL(path, options.server), {
            method: verb,
            headers,
            ...(body !== undefined && { body }),
          });
        } catch (error) {
          return fail(
            `cannot reach ${options.server}: ${error instanceof Error ? error.message : String(error)}`,
            EXIT.failure,
          );
        }
        const text = await response.text();
        if (response.ok) {
          if (text) console.log(text.replace(/\n$/, ''));
          return;
        }
        let problem: { code?: string; detail?: string } = {};
        try {
          problem = JSON.parse(text) as typeof problem;
        } catch {
          // not a problem document (a proxy's error page): report the status alone
        }
        console.error(
          problem.detail ? `error (${problem.code}): ${problem.detail}` : `error: HTTP ${response.status}`,
        );
        const code = (ERROR_CODES as readonly string[]).includes(problem.code ?? '')
          ? (problem.code as ErrorCode)
          : undefined;
        process.exitCode = code ? exitCodeFor(code) : EXIT.failure;
      },
    );
}
