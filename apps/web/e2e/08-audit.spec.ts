import { expect, test } from '@playwright/test';
import { apiOf, createUser, demoUnit, pickUnit, signIn, signOut, uniqueUsername } from './helpers';

test('the audit viewer lists, filters and exports events, and verifies the chain', async ({ page }) => {
  await signIn(page);
  const api = await apiOf(page);
  const commune = await demoUnit(api, 'AG-LX');

  await page.getByRole('link', { name: 'Audit trail' }).click();
  const table = page.getByTestId('audit-table');
  await expect(table).toBeVisible();
  // Newest first; the setup, the demo's orders and the sign-ins are all there.
  await expect(table.getByText('Signed in', { exact: true }).first()).toBeVisible();
  await expect(table.getByText('Order applied', { exact: true }).first()).toBeVisible();
  await expect(table.getByText('User created', { exact: true }).first()).toBeVisible();

  // Filters: only applied orders, about the commune's subtree; they live in the address.
  const wholeTrail = await (await api.get('/api/v1/audit?action=order.apply&limit=500')).json();
  const filtered = page.waitForResponse(
    (r) =>
      r.url().includes('/api/v1/audit?') &&
      r.url().includes('action=order.apply') &&
      r.url().includes(`unitId=${commune.id}`),
  );
  await page.getByTestId('audit-action').selectOption('order.apply');
  await pickUnit(page, 'audit-unit', commune.code, 'phuong long xuyen');
  await expect(page).toHaveURL(/action=order\.apply/);
  await expect(page).toHaveURL(new RegExp(`unitId=${commune.id}`));
  const answer = (await (await filtered).json()) as { items: Array<{ action: string }> };
  // The commune saw some of the applied orders, not all of them (other provinces had theirs).
  expect(answer.items.length).toBeGreaterThan(0);
  expect(answer.items.length).toBeLessThan(wholeTrail.items.length);
  const labels = table.getByTestId('audit-action-label');
  await expect(labels).toHaveCount(answer.items.length);
  for (const label of await labels.all()) await expect(label).toHaveText('Order applied');
  // Changes are summarized: an order's title and effective date.
  await expect(table).toContainText('effectiveDate');

  // The CSV export carries the same filters, and downloads with the session.
  const href = await page.getByTestId('audit-export').getAttribute('href');
  expect(href).toContain('/api/v1/audit/export.csv?');
  expect(href).toContain('action=order.apply');
  expect(href).toContain(`unitId=${commune.id}`);
  const csv = await page.request.get(href as string);
  expect(csv.status()).toBe(200);
  const text = await csv.text();
  expect(text.replace(/^\uFEFF/, '').split('\r\n')[0]).toMatch(/^seq,at,actor,action,/);
  const rows = text
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n')
    .slice(1);
  expect(rows).toHaveLength(answer.items.length);
  for (const row of rows) expect(row).toMatch(/^\d+,[^,]+,[^,]*,order\.apply,/);

  // Clearing the filters brings every event back.
  await page.getByTestId('audit-clear').click();
  await expect(page).not.toHaveURL(/action=/);
  await expect(table.getByText('Signed in', { exact: true }).first()).toBeVisible();

  // An organization-wide reader verifies the whole chain.
  await page.getByTestId('verify-chain').click();
  const result = page.getByTestId('verify-result');
  await expect(result).toContainText('The chain is intact');
  await expect(page.getByTestId('verify-head')).toHaveText(/^[0-9a-f]{64}$/);

  // An auditor of one commune reads that commune's events, and cannot verify the whole chain.
  const auditor = { username: uniqueUsername('auditor'), password: 'commune auditor password' };
  await createUser(api, {
    ...auditor,
    displayName: 'Commune auditor',
    grants: [{ role: 'auditor', unitId: commune.id }],
  });
  await signOut(page);
  await signIn(page, auditor);
  await page.getByRole('link', { name: 'Audit trail' }).click();
  await expect(table.getByText('Order applied', { exact: true }).first()).toBeVisible();
  // Events about no unit (sign-ins, roles) belong to the whole organization: not shown here.
  await expect(table.getByText('Signed in', { exact: true })).toHaveCount(0);
  await expect(page.getByTestId('verify-chain')).toHaveCount(0);
});
