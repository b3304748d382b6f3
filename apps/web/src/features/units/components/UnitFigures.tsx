import { Card, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import type { IsoDate } from '../../../api/types';
import { useAsOf } from '../../../app/as-of';
import { formatDate, formatNumber, isUsableDate } from '../../../lib/dates';
import { useKinds } from '../../rule-pack/hooks/use-kinds';
import { useFigures, useFiguresChange } from '../hooks/use-units';
import { OrderReference } from './OrderReference';

/** Units in the subtree by kind as of the date, and the change against another date. */
export function UnitFigures({ unitId }: { unitId: number }) {
  const { t, i18n } = useTranslation();
  const { asOf } = useAsOf();
  const { kindPlural, groupName } = useKinds();
  const lang = i18n.language;
  const figures = useFigures(unitId, asOf);
  const [compareWith, setCompareWith] = useState('');
  const other: IsoDate | null = isUsableDate(compareWith) && compareWith !== asOf ? compareWith : null;
  // The change is always read forwards in time.
  const [from, to] = other && other > asOf ? [asOf, other] : [other, asOf];
  const change = useFiguresChange(unitId, from, to);
  const n = (v: number) => formatNumber(v, lang);
  const signed = (v: number) => (v > 0 ? `+${n(v)}` : n(v));

  // Not live that day and made from nothing then (or already gone): there is nothing to count.
  if (figures.data && figures.data.basis.length === 0) return null;
  return (
    <Card withBorder data-testid="figures">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('figures.title', { date: formatDate(asOf, lang) })}
        </Title>
        {figures.isPending && <Loader size="xs" />}
        {figures.isError && <Text c="red">{errorMessage(figures.error)}</Text>}
        {figures.data && (
          <Table striped withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('figures.kind')}</Table.Th>
                <Table.Th ta="end">{t('figures.count')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {figures.data.byKind.map((row) => (
                <Table.Tr key={row.kind} data-testid={`figure-${row.kind}`}>
                  <Table.Td>{kindPlural(row.kind)}</Table.Td>
                  <Table.Td ta="end">{n(row.count)}</Table.Td>
                </Table.Tr>
              ))}
              <Table.Tr>
                <Table.Td fw={700}>{t('figures.total')}</Table.Td>
                <Table.Td ta="end" fw={700} data-testid="figure-total">
                  {n(figures.data.total)}
                </Table.Td>
              </Table.Tr>
              {figures.data.groups.map((g) => (
                <Table.Tr key={g.group} data-testid={`figure-group-${g.group}`}>
                  <Table.Td>
                    {t('figures.ofWhich', { group: groupName(g.group).toLocaleLowerCase(lang) })}
                  </Table.Td>
                  <Table.Td ta="end">{n(g.count)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {figures.data && figures.data.direct.total > 0 && (
          <Text size="sm" c="dimmed" data-testid="figures-direct">
            {t('figures.direct', {
              list: figures.data.direct.byKind.map((k) => `${n(k.count)} ${kindPlural(k.kind)}`).join(', '),
            })}
          </Text>
        )}
        {figures.data && figures.data.basis.length > 0 && !figures.data.basis.includes(unitId) && (
          <Text size="sm" c="dimmed" data-testid="figures-basis">
            {t('figures.predecessors')}
          </Text>
        )}
        <Group gap="xs" align="center">
          <label htmlFor={`compare-${unitId}`}>
            <Text size="sm">{t('figures.compareWith')}</Text>
          </label>
          <input
            id={`compare-${unitId}`}
            className="rb-date-input"
            type="date"
            value={compareWith}
            onChange={(e) => setCompareWith(e.currentTarget.value)}
            data-testid="compare-with"
          />
        </Group>
        {from && change.isPending && <Loader size="xs" />}
        {change.isError && <Text c="red">{errorMessage(change.error)}</Text>}
        {from && change.data && (
          <Stack gap="xs" data-testid="figures-change">
            <Table withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('figures.kind')}</Table.Th>
                  <Table.Th ta="end">{formatDate(from, lang)}</Table.Th>
                  <Table.Th ta="end">{formatDate(to, lang)}</Table.Th>
                  <Table.Th ta="end">{t('figures.change')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {change.data.delta.map((d) => (
                  <Table.Tr key={d.kind}>
                    <Table.Td>{kindPlural(d.kind)}</Table.Td>
                    <Table.Td ta="end">{n(d.from)}</Table.Td>
                    <Table.Td ta="end">{n(d.to)}</Table.Td>
                    <Table.Td ta="end" c={d.change > 0 ? 'teal' : d.change < 0 ? 'red' : undefined}>
                      {signed(d.change)}
                    </Table.Td>
                  </Table.Tr>
                ))}
                <Table.Tr>
                  <Table.Td fw={700}>{t('figures.total')}</Table.Td>
                  <Table.Td ta="end" fw={700}>
                    {n(change.data.from.total)}
                  </Table.Td>
                  <Table.Td ta="end" fw={700}>
                    {n(change.data.to.total)}
                  </Table.Td>
                  <Table.Td ta="end" fw={700}>
                    {signed(change.data.to.total - change.data.from.total)}
                  </Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
            <Text size="sm" fw={600}>
              {t('figures.causedBy')}
            </Text>
            {change.data.orders.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('figures.noOrders')}
              </Text>
            ) : (
              change.data.orders.map((o) => (
                <Group key={o.id} gap="xs" wrap="nowrap" align="baseline">
                  <Text size="sm" c="dimmed" style={{ flex: 'none' }}>
                    {formatDate(o.effectiveDate, lang)}
                  </Text>
                  <OrderReference order={o} />
                </Group>
              ))
            )}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
