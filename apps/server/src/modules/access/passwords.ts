import { hash, verify } from '@node-rs/argon2';
import { AppError, PASSWORD_MIN_LENGTH, passwordProblem, reason } from '@rollbook/domain';

/**
 * argon2id with the library's defaults (19 MiB, 2 passes, 1 lane: the OWASP minimum for argon2id),
 * in a libuv worker so the event loop stays free while it runs.
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash to check unknown user names against, so a wrong name costs as long as a wrong password. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  return (decoy ??= hashPassword('decoy password that matches no account'));
}

/** Refuses a password too weak to keep, naming why, before anything is written. */
export function assertStrongPassword(password: string, username: string, field = 'password'): void {
  const problem = passwordProblem(password, username);
  if (problem) {
    throw new AppError('weak_password', {
      field,
      params: { reason: reason(problem), min: PASSWORD_MIN_LENGTH },
    });
  }
}
