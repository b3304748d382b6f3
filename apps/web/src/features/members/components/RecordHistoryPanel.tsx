import { Card, Group, Loader, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import type { MemberRecordVersion } from '../../../api/types';
import { StatusBadge } from '../../../app/StatusBadge';
import { formatDate, formatDateTime } from '../../../lib/dates';
import { RECORD_FIELDS } from '../record-draft';
import { useRecordHistory } from '../hooks/use-members';

/** The fields that differ from the version before (the first version: none). */
function changedFields(version: MemberRecordVersion, before: MemberRecordVersion | undefined): string[] {
  if (!before) return [];
  const changed: string[] = RECORD_FIELDS.filter((f) => (version[f] ?? null) !== (before[f] ?? null));
  if (JSON.stringify(version.custom ?? {}) !== JSON.stringify(before.custom ?? {})) changed.push('custom');
  return changed;
}

/** Every version of the record: what it said from when to when, who wrote it, and (on request) what was corrected. */
export function RecordHistoryPanel({ memberId }: { memberId: number }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [includeSuperseded, setIncludeSuperseded] = useState(false);
  const history = useRecordHistory(memberId, includeSuperseded);
  const items = history.data?.items ?? [];
  return (
    <Card withBorder data-testid="record-history">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {t('recordHistory.title')}
          </Title>
          <Switch
            size="sm"
            label={t('recordHistory.includeSuperseded')}
            checked={includeSuperseded}
            onChange={(e) => setIncludeSuperseded(e.currentTarget.checked)}
            data-testid="include-superseded"
          />
        </Group>
        {history.isPending && <Loader size="xs" />}
        {history.isError && <Text c="red">{errorMessage(history.error)}</Text>}
        {items.length > 0 && (
          <Table.ScrollContainer minWidth={420}>
            <Table verticalSpacing="xs" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('recordHistory.valid')}</Table.Th>
                  <Table.Th>{t('memberField.fullName')}</Table.Th>
                  <Table.Th>{t('recordHistory.changed')}</Table.Th>
                  <Table.Th>{t('recordHistory.recorded')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((v, i) => {
                  const changed = changedFields(v, items[i - 1]);
                  return (
                    <Table.Tr
                      key={v.id}
                      style={{ verticalAlign: 'top' }}
                      data-testid={`record-version-${v.id}`}
                    >
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <Text size="sm">
                          {v.validFrom ? formatDate(v.validFrom, lang) : t('recordHistory.start')} –{' '}
                          {v.validTo ? formatDate(v.validTo, lang) : t('recordHistory.open')}
                        </Text>
                        {v.supersededAt && (
                          <StatusBadge color="gray">{t('recordHistory.superseded')}</StatusBadge>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" td={v.supersededAt ? 'line-through' : undefined}>
                          <bdi>{v.fullName}</bdi>
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">
                          {changed.length === 0
                            ? '—'
                            : changed.map((f) => t(`memberField.${f}`, { defaultValue: f })).join(', ')}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs">{formatDateTime(v.recordedAt, lang)}</Text>
                        <Text size="xs" c="dimmed">
                          <bdi>{v.recordedBy}</bdi>
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}
