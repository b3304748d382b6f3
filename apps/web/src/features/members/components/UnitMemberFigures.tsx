import {
  Button,
  Card,
  Group,
  Loader,
  Menu,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import type { MemberFlows } from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { useAsOf } from '../../../app/as-of';
import { formatDate, formatNumber, isUsableDate } from '../../../lib/dates';
import { useMemberPack } from '../../rule-pack/hooks/use-member-pack';
import { memberFiguresExportUrl } from '../api/members-api';
import { useMemberFigures } from '../hooks/use-members';
import { CountBars } from './CountBars';

/**
 * Members of a unit's subtree as of the date (by status, sex, age band, and ethnicity and religion
 * for readers allowed to see them), and a period's flows against the period before and last year.
 */
export function UnitMemberFigures({ unitId }: { unitId: number }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { asOf } = useAsOf();
  const pack = useMemberPack();
  const [from, setFrom] = useState<string>(`${asOf.slice(0, 4)}-01-01`);
  const [to, setTo] = useState<string>(asOf);
  const period = isUsableDate(from) && isUsableDate(to) && from <= to ? { from, to } : null;
  const figures = useMemberFigures(unitId, asOf, period);
  const stock = figures.data?.stock;
  const n = (v: number) => formatNumber(v, lang);
  const unknown = (label: (v: string) => string) => (v: string) =>
    v === 'unknown' ? t('memberFigures.unknown') : label(v);

  return (
    <Card withBorder data-testid="member-figures">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {t('memberFigures.title', { date: formatDate(asOf, lang) })}
          </Title>
          <Group gap="sm">
            <AppLink to={`/members?unit=${unitId}`} size="sm" data-testid="unit-members-link">
              {t('memberFigures.membersOfUnit')}
            </AppLink>
            {/* The figures shown: this unit, the date, and the period when it is complete. */}
            <Menu position="bottom-end">
              <Menu.Target>
                <Button size="xs" variant="default" data-testid="export-figures">
                  {t('memberFigures.export')}
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {(['csv', 'xlsx', 'pdf'] as const).map((format) => (
                  <Menu.Item
                    key={format}
                    component="a"
                    href={memberFiguresExportUrl({ unitId, asOf, format, ...period })}
                    download
                    data-testid={`export-figures-${format}`}
                  >
                    {t(`memberFigures.export_${format}`)}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
        {figures.isPending && <Loader size="xs" />}
        {figures.isError && <Text c="red">{errorMessage(figures.error)}</Text>}
        {stock && (
          <>
            <Group gap="lg">
              <Text size="sm">
                {t('memberFigures.members')}:{' '}
                <Text span fw={700} data-testid="member-figures-total">
                  {n(stock.members)}
                </Text>
              </Text>
              <Text size="sm" c="dimmed">
                {t('memberFigures.exempted')}: {n(stock.exempted)}
              </Text>
              <Text size="sm" c="dimmed">
                {t('memberFigures.suspended')}: {n(stock.suspended)}
              </Text>
              <Text size="sm" c="dimmed">
                {t('memberFigures.inTransit')}: {n(stock.inTransit)}
              </Text>
            </Group>
            <SimpleGrid cols={{ base: 1, lg: 2 }}>
              <CountBars
                title={t('members.status')}
                rows={stock.byStatus}
                label={(v) => t(`memberStatus.${v}`, { defaultValue: v })}
                testId="figures-status"
              />
              <CountBars
                title={t('memberField.sex')}
                rows={stock.bySex}
                label={unknown((v) => pack.term('sex', v))}
                testId="figures-sex"
              />
              <CountBars
                title={t('memberFigures.ageBand')}
                rows={stock.byAgeBand}
                label={unknown((v) => v)}
                testId="figures-age"
              />
              {stock.byEthnicity && (
                <CountBars
                  title={t('memberField.ethnicity')}
                  rows={stock.byEthnicity}
                  label={unknown((v) => pack.term('ethnicity', v))}
                  testId="figures-ethnicity"
                />
              )}
              {stock.byReligion && (
                <CountBars
                  title={t('memberField.religion')}
                  rows={stock.byReligion}
                  label={unknown((v) => pack.term('religion', v))}
                  testId="figures-religion"
                />
              )}
            </SimpleGrid>
          </>
        )}
        <Title order={4} size="h5">
          {t('memberFigures.period')}
        </Title>
        <Group gap="sm" align="flex-end">
          <TextInput
            type="date"
            label={t('memberFigures.from')}
            value={from}
            onChange={(e) => setFrom(e.currentTarget.value)}
            data-testid="flows-from"
          />
          <TextInput
            type="date"
            label={t('memberFigures.to')}
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
            error={
              isUsableDate(from) && isUsableDate(to) && from > to
                ? t('memberFigures.toBeforeFrom')
                : undefined
            }
            data-testid="flows-to"
          />
        </Group>
        {figures.data?.period && <FlowsTable {...figures.data.period} />}
      </Stack>
    </Card>
  );
}

function FlowsTable({
  current,
  previous,
  lastYear,
}: {
  current: MemberFlows;
  previous: MemberFlows;
  lastYear: MemberFlows;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const n = (v: number) => formatNumber(v, lang);
  const signed = (v: number) => (v > 0 ? `+${n(v)}` : n(v));
  const exitOf = (f: MemberFlows, reason: string) => f.exits.find((e) => e.value === reason)?.count ?? 0;
  const reasons = [...new Set([current, previous, lastYear].flatMap((f) => f.exits.map((e) => e.value)))];
  const rows: { key: string; label: string; get: (f: MemberFlows) => number }[] = [
    { key: 'admissions', label: t('memberFigures.admissions'), get: (f) => f.admissions },
    { key: 'readmissions', label: t('memberFigures.readmissions'), get: (f) => f.readmissions },
    { key: 'recognitions', label: t('memberFigures.recognitions'), get: (f) => f.recognitions },
    { key: 'transfersIn', label: t('memberFigures.transfersIn'), get: (f) => f.transfersIn },
    { key: 'transfersOut', label: t('memberFigures.transfersOut'), get: (f) => f.transfersOut },
    ...reasons.map((r) => ({
      key: `exit-${r}`,
      label: t('memberFigures.exit', { reason: t(`exitReason.${r}`, { defaultValue: r }) }),
      get: (f: MemberFlows) => exitOf(f, r),
    })),
  ];
  const range = (f: MemberFlows) =>
    t('common.dateRange', { from: formatDate(f.from, lang), to: formatDate(f.to, lang) });
  const delta = (v: number) => (
    <Table.Td ta="end" c={v > 0 ? 'teal' : v < 0 ? 'red' : undefined}>
      {signed(v)}
    </Table.Td>
  );
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table withTableBorder striped data-testid="member-flows">
        <Table.Thead>
          <Table.Tr>
            <Table.Th />
            <Table.Th ta="end">
              {t('memberFigures.current')}
              <Text size="xs" c="dimmed">
                {range(current)}
              </Text>
            </Table.Th>
            <Table.Th ta="end">
              {t('memberFigures.previous')}
              <Text size="xs" c="dimmed">
                {range(previous)}
              </Text>
            </Table.Th>
            <Table.Th ta="end">{t('figures.change')}</Table.Th>
            <Table.Th ta="end">
              {t('memberFigures.lastYear')}
              <Text size="xs" c="dimmed">
                {range(lastYear)}
              </Text>
            </Table.Th>
            <Table.Th ta="end">{t('figures.change')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.key} data-testid={`flow-${r.key}`}>
              <Table.Td>{r.label}</Table.Td>
              <Table.Td ta="end" fw={600} data-testid="flow-current">
                {n(r.get(current))}
              </Table.Td>
              <Table.Td ta="end">{n(r.get(previous))}</Table.Td>
              {delta(r.get(current) - r.get(previous))}
              <Table.Td ta="end">{n(r.get(lastYear))}</Table.Td>
              {delta(r.get(current) - r.get(lastYear))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
