import {
  Alert,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  Radio,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import type { DuplicatePair } from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { useAsOf } from '../../../app/as-of';
import { formatDate } from '../../../lib/dates';
import { useAccess } from '../../auth/hooks/use-session';
import { findingsOfError } from '../event-draft';
import { useDuplicates, useMergeMembers } from '../hooks/use-cards';
import { FindingAlert } from './FindingList';
import { isStale } from './RecordEventModal';

/** Records of the unit's subtree that may be one person, and (to writers) the merge of a pair. */
export function DuplicatesPanel({ unitId }: { unitId: number | undefined }) {
  const { t, i18n } = useTranslation();
  const { can } = useAccess();
  const duplicates = useDuplicates(unitId);
  const [merging, setMerging] = useState<DuplicatePair | null>(null);
  const [merged, setMerged] = useState<{ id: number; name: string } | null>(null);
  const items = duplicates.data?.items ?? [];
  const lang = i18n.language;
  const percent = (v: number) =>
    new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(v);
  return (
    <Card withBorder data-testid="duplicates">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('duplicates.title')}
        </Title>
        <Text size="xs" c="dimmed">
          {t('duplicates.help')}
        </Text>
        {merged && (
          <Alert color="teal" withCloseButton onClose={() => setMerged(null)} data-testid="merge-done">
            {t('duplicates.merged')}{' '}
            <AppLink to={`/members/${merged.id}`} data-testid="merged-member-link">
              <bdi>{merged.name}</bdi>
            </AppLink>
          </Alert>
        )}
        {unitId === undefined && (
          <Text size="sm" c="dimmed" data-testid="duplicates-choose-unit">
            {t('duplicates.chooseUnit')}
          </Text>
        )}
        {duplicates.isFetching && <Loader size="xs" />}
        {duplicates.isError && (
          <Alert color="red" role="alert">
            {errorMessage(duplicates.error)}
          </Alert>
        )}
        {duplicates.data && items.length === 0 && (
          <Text size="sm" c="dimmed" data-testid="duplicates-none">
            {t('duplicates.none')}
          </Text>
        )}
        {items.length > 0 && (
          <Table.ScrollContainer minWidth={620}>
            <Table withTableBorder verticalSpacing={6} data-testid="duplicates-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('duplicates.first')}</Table.Th>
                  <Table.Th>{t('duplicates.second')}</Table.Th>
                  <Table.Th>{t('memberField.birthDate')}</Table.Th>
                  <Table.Th ta="end">{t('duplicates.similarity')}</Table.Th>
                  {can('members.write') && <Table.Th />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((p) => (
                  <Table.Tr key={`${p.a.id}-${p.b.id}`} data-testid={`duplicate-${p.a.id}-${p.b.id}`}>
                    <Table.Td>
                      <AppLink to={`/members/${p.a.id}`}>
                        <bdi>{p.a.fullName}</bdi>
                      </AppLink>{' '}
                      <Text span size="xs" c="dimmed">
                        #{p.a.id}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <AppLink to={`/members/${p.b.id}`}>
                        <bdi>{p.b.fullName}</bdi>
                      </AppLink>{' '}
                      <Text span size="xs" c="dimmed">
                        #{p.b.id}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(p.a.birthDate, lang)}</Table.Td>
                    <Table.Td ta="end" data-testid="similarity">
                      {percent(p.similarity)}
                    </Table.Td>
                    {can('members.write') && (
                      <Table.Td ta="end">
                        <Button
                          size="xs"
                          variant="default"
                          onClick={() => setMerging(p)}
                          data-testid="merge-pair"
                        >
                          {t('duplicates.merge')}
                        </Button>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
      <Modal opened={merging !== null} onClose={() => setMerging(null)} title={t('duplicates.mergeTitle')}>
        {merging && (
          <MergeForm
            pair={merging}
            onClose={() => setMerging(null)}
            onMerged={(m) => {
              setMerging(null);
              setMerged(m);
            }}
          />
        )}
      </Modal>
    </Card>
  );
}

function MergeForm({
  pair,
  onClose,
  onMerged,
}: {
  pair: DuplicatePair;
  onClose: () => void;
  onMerged: (remaining: { id: number; name: string }) => void;
}) {
  const { t } = useTranslation();
  const { today } = useAsOf();
  const [remains, setRemains] = useState<'a' | 'b'>('a');
  const [reason, setReason] = useState('');
  const merge = useMergeMembers();
  const stale = isStale(merge.error);
  const findings = stale ? [] : findingsOfError(merge.error);
  const keep = remains === 'a' ? pair.a : pair.b;
  const drop = remains === 'a' ? pair.b : pair.a;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    merge.mutate(
      { remainingId: keep.id, duplicateId: drop.id, reason: reason.trim(), today },
      { onSuccess: () => onMerged({ id: keep.id, name: keep.fullName }) },
    );
  };
  const label = (m: DuplicatePair['a']) => `${m.fullName} (#${m.id})`;
  return (
    <form onSubmit={submit} noValidate data-testid="merge-form">
      <Stack>
        <Radio.Group
          label={t('duplicates.remains')}
          description={t('duplicates.remainsHelp')}
          value={remains}
          onChange={(v) => setRemains(v as 'a' | 'b')}
        >
          <Stack gap={6} mt={6}>
            <Radio value="a" label={<bdi>{label(pair.a)}</bdi>} data-testid="merge-keep-a" />
            <Radio value="b" label={<bdi>{label(pair.b)}</bdi>} data-testid="merge-keep-b" />
          </Stack>
        </Radio.Group>
        <Textarea
          label={t('duplicates.reason')}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          required
          maxLength={1000}
          autosize
          minRows={2}
          data-testid="merge-reason"
        />
        <FindingAlert findings={findings} kind="problems" testId="merge-problems" />
        {stale && (
          <Alert color="orange" role="alert">
            {t('duplicates.stale')}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            type="submit"
            loading={merge.isPending}
            disabled={!reason.trim()}
            data-testid="merge-submit"
          >
            {t('duplicates.merge')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
