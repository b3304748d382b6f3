import { expect, type APIResponse, type Page } from '@playwright/test';

export interface Credentials {
  username: string;
  password: string;
}

/** The first administrator, created by the first-run test through the setup page. */
export const ADMIN = {
  username: 'admin',
  displayName: 'Ada Administrator',
  // Not containing the user name: the server refuses such passwords.
  password: 'correct horse battery staple',
} as const;

/** Signs in through the sign-in page and waits for the signed-in shell. */
export async function signIn(page: Page, user: Credentials = ADMIN) {
  await page.goto('/sign-in');
  await submitSignIn(page, user);
  await expect(page.getByTestId('user-menu')).toBeVisible();
}

/** Fills and sends the sign-in form on the page already open. */
export async function submitSignIn(page: Page, user: Credentials) {
  await page.getByTestId('sign-in-username').fill(user.username);
  await page.getByTestId('sign-in-password').fill(user.password);
  await page.getByTestId('sign-in-submit').click();
}

/** Signs out with the user menu and waits for the sign-in page. */
export async function signOut(page: Page) {
  await page.getByTestId('user-menu').click();
  await page.getByTestId('sign-out').click();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByTestId('sign-in-username')).toBeVisible();
}

/** Calls the API as the page's signed-in user: the browser's session cookie, and its CSRF token on writes. */
export interface Api {
  get(url: string): Promise<APIResponse>;
  /** With `ifMatch`, the version the write expects (orders, members). */
  post(url: string, data?: unknown, ifMatch?: string): Promise<APIResponse>;
  patch(url: string, data: unknown, ifMatch: string): Promise<APIResponse>;
  delete(url: string): Promise<APIResponse>;
}

export async function apiOf(page: Page): Promise<Api> {
  const session = await page.request.get('/api/v1/session');
  expect(session.status(), await session.text()).toBe(200);
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  const headers = { 'X-CSRF-Token': csrfToken };
  return {
    get: (url) => page.request.get(url),
    post: (url, data, ifMatch) =>
      page.request.post(url, {
        data: data ?? {},
        headers: ifMatch ? { ...headers, 'If-Match': ifMatch } : headers,
      }),
    patch: (url, data, ifMatch) =>
      page.request.patch(url, { data, headers: { ...headers, 'If-Match': ifMatch } }),
    delete: (url) => page.request.delete(url, { headers }),
  };
}

/** A unit of the demo organization, found by its code. */
export async function demoUnit(api: Api, code: string): Promise<CreatedUnit> {
  const response = await api.get(`/api/v1/units?q=${encodeURIComponent(code)}&limit=50`);
  expect(response.status(), await response.text()).toBe(200);
  const { items } = (await response.json()) as { items: CreatedUnit[] };
  const unit = items.find((u) => u.code === code);
  expect(unit, `demo unit ${code}`).toBeTruthy();
  return unit as CreatedUnit;
}

/** Creates a user through the API (as the signed-in administrator) and returns its id. */
export async function createUser(
  api: Api,
  input: {
    username: string;
    displayName: string;
    password: string;
    grants: { role: string; unitId: number | null }[];
  },
): Promise<number> {
  const response = await api.post('/api/v1/users', input);
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { id: number }).id;
}

/** A user name no other test (or run) uses. */
export function uniqueUsername(prefix: string): string {
  return `${prefix}.${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

/** A code no other test (or run) uses, so tests can share one database. */
export function uniqueCode(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`.toUpperCase();
}

export interface CreatedUnit {
  id: number;
  code: string;
  name: string;
}

/** Adds a unit through the API (the quick one-operation order). */
export async function createUnit(
  api: Api,
  input: { code: string; name: string; kind: string; parentId: number | null; effectiveDate: string },
): Promise<CreatedUnit> {
  const response = await api.post('/api/v1/units', input);
  expect(response.status(), await response.text()).toBe(201);
  const body = (await response.json()) as { unit: CreatedUnit };
  return body.unit;
}

/** A small tree of its own: central → province → grassroots committee, from 2000-01-01. */
export async function buildBranch(api: Api, tag: string) {
  const root = await createUnit(api, {
    code: uniqueCode(`${tag}-C`),
    name: `Central ${tag}`,
    kind: 'central',
    parentId: null,
    effectiveDate: '2000-01-01',
  });
  const province = await createUnit(api, {
    code: uniqueCode(`${tag}-P`),
    name: `Province ${tag}`,
    kind: 'province',
    parentId: root.id,
    effectiveDate: '2000-01-01',
  });
  return { root, province };
}

/** Opens a node of the home tree. */
export async function expandNode(page: Page, code: string) {
  const toggle = page.getByTestId(`toggle-${code}`);
  await expect(toggle).toBeVisible();
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
}

/** Sets the "as of" date in the header, as a clerk would. */
export async function setAsOf(page: Page, date: string) {
  await page.getByTestId('as-of').fill(date);
  await expect(page).toHaveURL(new RegExp(`asOf=${date}`));
}

/** Chooses a unit in a unit picker by searching its code (or other text that finds it). */
export async function pickUnit(page: Page, testId: string, code: string, search: string = code) {
  await page.getByTestId(`${testId}-search`).fill(search);
  await page.getByTestId(testId).getByTestId(`pick-${code}`).click();
  await expect(page.getByTestId(`${testId}-chosen`)).toBeVisible();
}

/** A member admitted in 2024 and recognized in 2025, through the API. */
export async function officialMember(api: Api, unitId: number, fullName: string, birthDate: string) {
  const created = await api.post('/api/v1/members', {
    record: { fullName, birthDate },
    event: { type: 'admission', date: '2024-01-10', unitId, details: { ceremonyDate: '2024-01-20' } },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { member } = (await created.json()) as { member: { id: number; version: number } };
  const recognized = await api.post(
    `/api/v1/members/${member.id}/events`,
    { type: 'recognition', date: '2025-01-25' },
    `"${member.version}"`,
  );
  expect(recognized.ok(), await recognized.text()).toBe(true);
  return member.id;
}
