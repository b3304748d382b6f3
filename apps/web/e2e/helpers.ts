import { expect, type APIRequestContext, type Page } from '@playwright/test';

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
  api: APIRequestContext,
  input: { code: string; name: string; kind: string; parentId: number | null; effectiveDate: string },
): Promise<CreatedUnit> {
  const response = await api.post('/api/v1/units', { data: input });
  expect(response.status(), await response.text()).toBe(201);
  const body = (await response.json()) as { unit: CreatedUnit };
  return body.unit;
}

/** A small tree of its own: central → province → grassroots committee, from 2000-01-01. */
export async function buildBranch(api: APIRequestContext, tag: string) {
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

/** Chooses a unit in a unit picker by searching its code. */
export async function pickUnit(page: Page, testId: string, code: string) {
  await page.getByTestId(`${testId}-search`).fill(code);
  await page.getByTestId(testId).getByTestId(`pick-${code}`).click();
  await expect(page.getByTestId(`${testId}-chosen`)).toBeVisible();
}
