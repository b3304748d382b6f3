import { expect, test } from '@playwright/test';
import { apiOf, buildBranch, createUnit, expandNode, pickUnit, setAsOf, signIn, uniqueCode } from './helpers';

test('merges two cells with a past date; the tree shows both before and one after', async ({ page }) => {
  await signIn(page);
  const api = await apiOf(page);
  const { root, province } = await buildBranch(api, 'MRG');
  const committee = await createUnit(api, {
    code: uniqueCode('GC'),
    name: 'Grassroots committee of the school cluster',
    kind: 'grassroots_committee',
    parentId: province.id,
    effectiveDate: '2010-01-01',
  });
  const cellA = await createUnit(api, {
    code: uniqueCode('CA'),
    name: 'Primary school cell',
    kind: 'cell',
    parentId: committee.id,
    effectiveDate: '2010-01-01',
  });
  const cellB = await createUnit(api, {
    code: uniqueCode('CB'),
    name: 'Lower-secondary school cell',
    kind: 'cell',
    parentId: committee.id,
    effectiveDate: '2010-01-01',
  });
  const merged = uniqueCode('CM');

  await page.goto('/orders/new');
  await page.getByTestId('order-effective-date').fill('2024-06-01');
  await page.getByTestId('order-title').fill('Merge the two school cells');
  await page.getByTestId('decision-number').fill('15-QĐ/ĐU');
  await page.getByTestId('decision-date').fill('2024-05-20');
  await page.getByTestId('decision-issued-by').fill('Standing committee');
  await page.getByTestId('new-operation-type').selectOption('merge');
  await page.getByTestId('add-operation').click();

  await pickUnit(page, 'op-0-source-0', cellA.code);
  await pickUnit(page, 'op-0-source-1', cellB.code);
  await page.getByTestId('op-0-survivor-mode').getByText('A new unit').click();
  await pickUnit(page, 'op-0-new-parent', committee.code);
  await page.getByTestId('op-0-new-kind').selectOption('cell');
  await page.getByTestId('op-0-new-code').fill(merged);
  await page.getByTestId('op-0-new-name').fill('Inter-level school cell');

  await page.getByTestId('preview-order').click();
  const preview = page.getByTestId('preview');
  await expect(preview).toBeVisible();
  await expect(page.getByTestId('preview-ok')).toBeVisible();
  const changes = page.getByTestId('preview-changes');
  await expect(changes).toContainText(cellA.code);
  await expect(changes).toContainText(cellB.code);
  await expect(changes).toContainText(merged);

  await page.getByTestId('apply-order').click();
  await expect(page.getByTestId('order-state')).toHaveText('In effect');
  await expect(page.getByTestId('applied-notice')).toBeVisible();
  await expect(page).toHaveURL(/\/orders\/\d+/);

  // Before the merge: both cells.
  await page.goto('/?asOf=2024-05-31');
  await expandNode(page, root.code);
  await expandNode(page, province.code);
  await expandNode(page, committee.code);
  await expect(page.getByTestId(`tree-node-${cellA.code}`)).toBeVisible();
  await expect(page.getByTestId(`tree-node-${cellB.code}`)).toBeVisible();
  await expect(page.getByTestId(`tree-node-${merged}`)).toHaveCount(0);

  // From the merge on: one cell.
  await setAsOf(page, '2024-06-01');
  await expect(page.getByTestId(`tree-node-${merged}`)).toBeVisible();
  await expect(page.getByTestId(`tree-node-${cellA.code}`)).toHaveCount(0);
  await expect(page.getByTestId(`tree-node-${cellB.code}`)).toHaveCount(0);

  // The merged cell's lineage names both predecessors.
  await page
    .getByTestId(`tree-node-${merged}`)
    .getByRole('link', { name: 'Inter-level school cell' })
    .click();
  const lineage = page.getByTestId('lineage');
  await expect(lineage.getByRole('link', { name: new RegExp(cellA.code) })).toBeVisible();
  await expect(lineage.getByRole('link', { name: new RegExp(cellB.code) })).toBeVisible();
});
