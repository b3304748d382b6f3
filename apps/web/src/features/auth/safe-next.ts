import {
  API_LANGUAGES,
  type ApiLanguage,
  ERROR_CODES,
  type ErrorCode,
  formatMessage,
} from '@rollbook/domain';

/**
 * The page to return to after signing in, from `?next=`. Only a path inside this app is accepted,
 * so a crafted link cannot send the user to another site once they have signed in.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return '/';
  // Backslashes, control characters and their encodings can turn a path into another host.
  if ([...next].some((c) => c === '\\' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return '/';
  if (/%(?:0[0-9a-f]|1[0-9a-f]|5c|7f)/i.test(next)) return '/';
  if (new URL(next, 'http://rollbook.invalid').origin !== 'http://rollbook.invalid') return '/';
  if (next === '/sign-in' || next.startsWith('/sign-in?')) return '/';
  return next;
}

/** The sign-in address that comes back to this page. */
export function signInPath(pathname: string, search: string): string {
  const here = `${pathname}${search}`;
  return here === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(here)}`;
}

/**
 * Single sign-on that fails sends the browser back to /sign-in?error=<code>&reason=<reason>. The
 * message is the server's own catalog entry (shared through the domain package) in the UI language.
 */
export function ssoFailureMessage(code: string | null, why: string | null, language: string): string | null {
  if (!code || !(ERROR_CODES as readonly string[]).includes(code)) return null;
  const lang = ((API_LANGUAGES as readonly string[]).includes(language) ? language : 'en') as ApiLanguage;
  return formatMessage(code as ErrorCode, lang, why ? { reason: `reason:${why}` } : {});
}
