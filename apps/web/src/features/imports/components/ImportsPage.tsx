import {
  Alert,
  Badge,
  Button,
  Card,
  FileInput,
  Group,
  Progress,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import type { ImportEntity } from '@rollbook/domain';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { errorMessage } from '../../../api/client';
import { AppLink } from '../../../app/AppLink';
import { useAsOf } from '../../../app/as-of';
import { formatDateTime, formatNumber } from '../../../lib/dates';
import { useAccess } from '../../auth/hooks/use-session';
import { UnitPicker } from '../../units/components/UnitPicker';
import { type ImportJob, uploadFile } from '../api/imports-api';
import { importKeys, useImports } from '../hooks/use-imports';

const STATUS_COLOR: Record<string, string> = {
  uploaded: 'gray',
  validating: 'blue',
  invalid: 'red',
  validated: 'teal',
  committing: 'blue',
  committed: 'green',
  failed: 'red',
  cancelled: 'gray',
};

export function ImportStatusBadge({ job }: { job: Pick<ImportJob, 'status'> }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLOR[job.status] ?? 'gray'} variant="light">
      {t(`imports.status.${job.status}`)}
    </Badge>
  );
}

/** /imports: bring a register in from a spreadsheet — choose the file, then map and check it on its own page. */
export function ImportsPage() {
  const { t, i18n } = useTranslation();
  const { today } = useAsOf();
  const { canEverywhere } = useAccess();
  const navigate = useNavigate();
  const client = useQueryClient();
  const list = useImports();
  const [file, setFile] = useState<File | null>(null);
  const [unitId, setUnitId] = useState<number | null>(null);
  // What the rows are: members, units (a tree, as the units export writes it), events or cards.
  const [entity, setEntity] = useState<ImportEntity>('members');
  const [sent, setSent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const jobs = list.data?.pages.flatMap((p) => p.items) ?? [];

  const upload = async () => {
    if (!file) return;
    setError(null);
    setSent(0);
    try {
      const job = await uploadFile(file, unitId, setSent, undefined, entity);
      void client.invalidateQueries({ queryKey: importKeys.list() });
      navigate(`/imports/${job.id}`);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSent(null);
    }
  };

  return (
    <Stack>
      <Title order={2}>{t('imports.title')}</Title>
      <Card withBorder>
        <Stack>
          <Text size="sm" c="dimmed">
            {t('imports.intro')}
          </Text>
          <Stack gap={4}>
            <Text size="sm" fw={500} id="import-entity-label">
              {t('imports.entity')}
            </Text>
            <SegmentedControl
              aria-labelledby="import-entity-label"
              value={entity}
              onChange={(v) => setEntity(v as ImportEntity)}
              data={[
                { value: 'members', label: t('imports.entities.members') },
                { value: 'units', label: t('imports.entities.units') },
                { value: 'events', label: t('imports.entities.events') },
                { value: 'cards', label: t('imports.entities.cards') },
              ]}
              data-testid="import-entity"
              maw={480}
            />
            {entity === 'units' && (
              <Text size="xs" c="dimmed">
                {t('imports.unitsHelp')}
              </Text>
            )}
            {entity === 'events' && (
              <Text size="xs" c="dimmed">
                {t('imports.eventsHelp')}
              </Text>
            )}
            {entity === 'cards' && (
              <Text size="xs" c="dimmed">
                {t('imports.cardsHelp')}
              </Text>
            )}
          </Stack>
          <FileInput
            label={t('imports.file')}
            description={t('imports.fileHelp')}
            accept=".csv,.txt,.tsv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            value={file}
            onChange={setFile}
            clearable
            data-testid="import-file"
          />
          <UnitPicker
            label={t('imports.unit')}
            description={canEverywhere('members.write') ? t('imports.unitHelpAll') : t('imports.unitHelp')}
            value={unitId}
            onChange={(id) => setUnitId(id)}
            asOf={today}
            testId="import-unit"
          />
          {error && (
            <Alert color="red" role="alert" title={t('imports.uploadFailed')}>
              {error}
            </Alert>
          )}
          {sent !== null && <Progress value={sent * 100} aria-label={t('imports.uploading')} animated />}
          <Group>
            <Button onClick={() => void upload()} disabled={!file || sent !== null} loading={sent !== null}>
              {t('imports.upload')}
            </Button>
          </Group>
        </Stack>
      </Card>

      <Title order={3}>{t('imports.recent')}</Title>
      {list.error && <Alert color="red">{errorMessage(list.error)}</Alert>}
      {jobs.length === 0 && !list.isLoading ? (
        <Text c="dimmed">{t('imports.none')}</Text>
      ) : (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>{t('imports.file')}</Table.Th>
              <Table.Th>{t('imports.statusLabel')}</Table.Th>
              <Table.Th>{t('imports.rows')}</Table.Th>
              <Table.Th>{t('imports.problems')}</Table.Th>
              <Table.Th>{t('imports.when')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {jobs.map((job) => (
              <Table.Tr key={job.id}>
                <Table.Td>
                  <AppLink to={`/imports/${job.id}`}>#{job.id}</AppLink>
                </Table.Td>
                <Table.Td>
                  <AppLink to={`/imports/${job.id}`}>{job.fileName}</AppLink>
                </Table.Td>
                <Table.Td>
                  <ImportStatusBadge job={job} />
                </Table.Td>
                <Table.Td>
                  {job.rowsTotal === null ? '—' : formatNumber(job.rowsTotal, i18n.language)}
                </Table.Td>
                <Table.Td>{job.problemCount ? formatNumber(job.problemCount, i18n.language) : '—'}</Table.Td>
                <Table.Td>{formatDateTime(job.createdAt, i18n.language)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {list.hasNextPage && (
        <Button variant="subtle" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
          {t('imports.more')}
        </Button>
      )}
    </Stack>
  );
}
