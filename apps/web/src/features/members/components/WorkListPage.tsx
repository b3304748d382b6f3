import {
  Alert,
  Card,
  Group,
  Loader,
  NumberInput,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { errorMessage } from '../../../api/client';
import type { WorkItem } from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { useAsOf } from '../../../app/as-of';
import { StatusBadge } from '../../../app/StatusBadge';
import { formatDate, formatNumber } from '../../../lib/dates';
import { UnitPicker } from '../../units/components/UnitPicker';
import { useWorkList } from '../hooks/use-members';

/** The order the groups are shown in: the statute's deadlines first, then the clerical ones. */
const KINDS = [
  'ceremony',
  'recognition',
  'incoming_transfer',
  'transfer_slip',
  'suspension_end',
  'temporary_return',
  'missing_fields',
];

/** /work-list: what is due in a subtree within a horizon, grouped by kind, overdue first in each group. */
export function WorkListPage() {
  const { t, i18n } = useTranslation();
  const { asOf } = useAsOf();
  const [params, setParams] = useSearchParams();
  const unit = Number(params.get('unit')) || undefined;
  const [horizon, setHorizon] = useState<number>(30);
  const [horizonDays] = useDebouncedValue(horizon, 300);
  const list = useWorkList(unit, asOf, horizonDays);
  const items = list.data?.items ?? [];
  const groups = [...new Set([...KINDS, ...items.map((i) => i.kind)])]
    .map((kind) => ({ kind, items: items.filter((i) => i.kind === kind) }))
    .filter((g) => g.items.length > 0);

  const setUnit = (id: number | null) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (id) next.set('unit', String(id));
        else next.delete('unit');
        return next;
      },
      { replace: true },
    );

  return (
    <Stack>
      <Title order={2}>{t('workList.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('workList.intro', { date: formatDate(asOf, i18n.language) })}
      </Text>
      <Card withBorder>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <UnitPicker
            label={t('members.unit')}
            description={t('members.unitHelp')}
            value={unit ?? null}
            onChange={setUnit}
            asOf={asOf}
            testId="work-list-unit"
          />
          <NumberInput
            label={t('workList.horizon')}
            description={t('workList.horizonHelp')}
            min={0}
            max={366}
            value={horizon}
            onChange={(v) => setHorizon(Math.max(0, Math.min(366, Number(v) || 0)))}
            data-testid="work-list-horizon"
          />
        </SimpleGrid>
      </Card>
      {list.isPending && (
        <Group>
          <Loader size="sm" />
          <Text>{t('common.loading')}</Text>
        </Group>
      )}
      {list.isError && (
        <Alert color="red" role="alert">
          {errorMessage(list.error)}
        </Alert>
      )}
      {list.data && items.length === 0 && (
        <Text c="dimmed" data-testid="work-list-empty">
          {t('workList.none')}
        </Text>
      )}
      {groups.map((g) => (
        <WorkGroup key={g.kind} kind={g.kind} items={g.items} />
      ))}
    </Stack>
  );
}

function WorkGroup({ kind, items }: { kind: string; items: WorkItem[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const overdue = items.filter((i) => i.overdue).length;
  return (
    <Card withBorder padding={0} data-testid={`work-group-${kind}`}>
      <Group p="sm" gap="xs">
        <Title order={3} size="h4">
          {t(`workKind.${kind}`, { defaultValue: kind })}
        </Title>
        <StatusBadge color="gray">{formatNumber(items.length, lang)}</StatusBadge>
        {overdue > 0 && (
          <StatusBadge color="red">{t('workList.overdueCount', { count: overdue })}</StatusBadge>
        )}
      </Group>
      <Table.ScrollContainer minWidth={560}>
        <Table verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('memberField.fullName')}</Table.Th>
              <Table.Th>{t('members.unit')}</Table.Th>
              <Table.Th>{kind === 'missing_fields' ? t('workList.missing') : t('workList.due')}</Table.Th>
              <Table.Th>{t('workList.since')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((i) => (
              <Table.Tr
                key={`${i.memberId}-${i.kind}`}
                bg={i.overdue ? 'var(--mantine-color-red-light)' : undefined}
                data-testid={`work-item-${i.memberId}-${i.kind}`}
                data-overdue={i.overdue || undefined}
              >
                <Table.Td>
                  <AppLink to={`/members/${i.memberId}`}>
                    <bdi>{i.fullName}</bdi>
                  </AppLink>
                </Table.Td>
                <Table.Td>
                  {i.unitId !== null && (
                    <AppLink to={`/units/${i.unitId}`} size="sm">
                      {i.unitCode ?? `#${i.unitId}`}
                    </AppLink>
                  )}
                </Table.Td>
                <Table.Td>
                  {kind === 'missing_fields' ? (
                    <Text size="sm">
                      {(i.missing ?? [])
                        .map((f) => t(`memberField.${f}`, { defaultValue: f.replace(/^custom\./, '') }))
                        .join(', ')}
                    </Text>
                  ) : (
                    <Group gap={6}>
                      <Text size="sm">{formatDate(i.due, lang) || '—'}</Text>
                      {i.overdue && <StatusBadge color="red">{t('workList.overdue')}</StatusBadge>}
                    </Group>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDate(i.since, lang) || '—'}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}
