import { expect, test } from '@playwright/test';
import {
  apiOf,
  buildBranch,
  createUnit,
  officialMember,
  pickUnit,
  signIn,
  uniqueCode,
  type Api,
} from './helpers';

/** A committee with one cell of its own, from 2010: nothing else is counted in it. */
async function buildCell(api: Api, tag: string) {
  const { province } = await buildBranch(api, tag);
  const committee = await createUnit(api, {
    code: uniqueCode(`${tag}G`),
    name: `Committee ${tag}`,
    kind: 'grassroots_committee',
    parentId: province.id,
    effectiveDate: '2010-01-01',
  });
  const cell = await createUnit(api, {
    code: uniqueCode(`${tag}C`),
    name: `Cell ${tag}`,
    kind: 'cell',
    parentId: committee.id,
    effectiveDate: '2010-01-01',
  });
  return { committee, cell };
}

test('issues a card, opens a campaign, exchanges the card and follows the progress by date', async ({
  page,
}) => {
  // Some fifteen round trips on a loaded machine.
  test.setTimeout(150_000);
  await signIn(page);
  const api = await apiOf(page);
  const tag = Date.now().toString(36).toUpperCase();
  const { committee, cell } = await buildCell(api, 'CRD');
  const id = await officialMember(api, cell.id, `Phạm Minh Châu ${tag}`, '1990-05-05');
  const first = `A-${tag}`;
  const second = `B-${tag}`;

  // Issue the first card through the form.
  await page.goto(`/members/${id}`);
  const cards = page.getByTestId('member-cards');
  await expect(cards.getByTestId('cards-none')).toBeVisible();
  await cards.getByTestId('card-issue').click();
  let form = page.getByTestId('card-form');
  await form.getByTestId('card-date').fill('2025-02-01');
  await form.getByTestId('card-number').fill(first);
  await form.getByTestId('card-submit').click();
  await expect(form).toBeHidden();
  await expect(cards.getByTestId(`card-row-${first}`)).toBeVisible();

  // A second card while one is valid is refused, with the rule's message.
  await cards.getByTestId('card-issue').click();
  form = page.getByTestId('card-form');
  await form.getByTestId('card-date').fill('2025-03-01');
  await form.getByTestId('card-number').fill(`X-${tag}`);
  await form.getByTestId('card-submit').click();
  await expect(form.getByTestId('card-problems')).toBeVisible();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(form).toBeHidden();

  // Open a campaign for the committee through the campaigns page.
  await page.goto('/members');
  await page.getByTestId('card-campaigns-link').click();
  await expect(page).toHaveURL(/\/card-campaigns/);
  await page.getByTestId('open-campaign').click();
  const campaignForm = page.getByTestId('campaign-form');
  const campaignName = `Exchange ${tag}`;
  await campaignForm.getByTestId('campaign-name').fill(campaignName);
  await campaignForm.getByTestId('campaign-starts').fill('2026-06-01');
  await pickUnit(page, 'campaign-unit', committee.code);
  await campaignForm.getByTestId('campaign-decision').fill(`51-CT ${tag}`);
  await campaignForm.getByTestId('campaign-submit').click();
  await expect(campaignForm).toBeHidden();
  await expect(page).toHaveURL(/campaign=\d+/);
  const campaignUrl = page.url();

  // Exchange the card in the campaign.
  await page.goto(`/members/${id}`);
  await cards.getByTestId('card-exchange').click();
  form = page.getByTestId('card-form');
  await form.getByTestId('card-date').fill('2026-07-01');
  await form.getByTestId('card-campaign').selectOption({ label: campaignName });
  await form.getByTestId('card-number').fill(second);
  await form.getByTestId('card-submit').click();
  await expect(form).toBeHidden();
  const exchanged = cards.getByTestId(`card-row-${second}`);
  await expect(exchanged).toContainText(first);
  await expect(exchanged).toContainText(campaignName);
  await expect(cards.getByTestId(`card-row-${first}`)).toContainText('replaced');

  // Progress: done today, not yet the day before the exchange.
  await page.goto(campaignUrl);
  const progress = page.getByTestId('campaign-progress');
  const cellRow = progress.getByTestId(`progress-unit-${cell.id}`);
  await expect(cellRow.getByTestId('progress-count')).toHaveText('1/1');
  await expect(cellRow.getByTestId('progress-percent')).toHaveText('100%');
  await expect(progress.getByTestId('progress-total').getByTestId('progress-count')).toHaveText('1/1');
  await progress.getByTestId('progress-as-of').fill('2026-06-30');
  await expect(cellRow.getByTestId('progress-count')).toHaveText('0/1');
  await expect(cellRow.getByTestId('progress-percent')).toHaveText('0%');

  // Drill down into the cell.
  await cellRow.getByTestId('progress-open').click();
  await expect(page).toHaveURL(new RegExp(`unit=${cell.id}`));
  await expect(progress.getByTestId('progress-total')).toContainText(cell.code);
  await expect(progress.getByTestId('progress-total').getByTestId('progress-count')).toHaveText('0/1');
});

test('finds two records of one person and merges them, the application following the member', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page);
  const api = await apiOf(page);
  const tag = Date.now().toString(36).toLowerCase();
  const { committee, cell } = await buildCell(api, 'DUP');
  const kept = await officialMember(api, cell.id, `Lê Văn Hùng ${tag}`, '1988-03-03');
  // The same person, entered again without diacritics, as an applicant before the admission.
  const created = await api.post('/api/v1/members', {
    record: { fullName: `Le Van Hung ${tag}`, birthDate: '1988-03-03' },
    event: { type: 'application', date: '2023-12-01', unitId: cell.id },
  });
  expect(created.status(), await created.text()).toBe(201);
  const duplicate = ((await created.json()) as { member: { id: number } }).member.id;

  await page.goto(`/members?unit=${committee.id}`);
  await page.getByTestId('show-duplicates').click();
  const pair = page.getByTestId(`duplicate-${kept}-${duplicate}`);
  await expect(pair).toBeVisible();
  await pair.getByTestId('merge-pair').click();
  const form = page.getByTestId('merge-form');
  await form.getByTestId('merge-keep-a').check();
  await form.getByTestId('merge-reason').fill('Entered twice: the applicant became this member.');
  await form.getByTestId('merge-submit').click();
  await expect(form).toBeHidden();
  await expect(page.getByTestId('duplicates-none')).toBeVisible();

  await page.getByTestId('merged-member-link').click();
  await expect(page).toHaveURL(new RegExp(`/members/${kept}`));
  const application = page.getByTestId('member-timeline').locator('[data-type="application"]');
  await expect(application).toBeVisible();
  await expect(application.getByTestId('event-merged-from')).toContainText(`#${duplicate}`);
});

test('the preview of a split shows the members who follow a part and the cells left too small', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page);
  const api = await apiOf(page);
  const tag = Date.now().toString(36).toUpperCase();
  const { cell } = await buildCell(api, 'SPL');
  const id = await officialMember(api, cell.id, `Đỗ Thị Lan ${tag}`, '1992-07-07');
  const [north, south] = [uniqueCode('SPN'), uniqueCode('SPS')];

  await page.goto('/orders/new');
  await page.getByTestId('order-effective-date').fill('2026-11-01');
  await page.getByTestId('new-operation-type').selectOption('split');
  await page.getByTestId('add-operation').click();
  await pickUnit(page, 'op-0-unit', cell.code);
  for (const [i, code] of [north, south].entries()) {
    await page.getByTestId(`op-0-part-${i}-code`).fill(code);
    await page.getByTestId(`op-0-part-${i}-name`).fill(`Part ${code}`);
    await page.getByTestId(`op-0-part-${i}-kind`).selectOption('cell');
  }
  await page.getByTestId('op-0-part-1-member-ids').fill(String(id));
  await page.getByTestId('preview-order').click();
  const moves = page.getByTestId('preview-member-moves');
  await expect(moves).toContainText(cell.code);
  await expect(moves).toContainText(south);
  await expect(moves.getByTestId('move-count')).toHaveText('1');
  await expect(page.getByTestId(`small-cell-${south}`)).toContainText(
    'would have 1 official member; a cell needs at least 3',
  );
});
