import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  Loader,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import type { ImportEntity } from '@rollbook/domain';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { errorMessage } from '../../../api/client';
import { AppLink } from '../../../app/AppLink';
import { NotFound } from '../../../app/NotFound';
import { formatNumber } from '../../../lib/dates';
import { type ImportJob, problemsFileUrl } from '../api/imports-api';
import {
  isRunning,
  useImport,
  useImportAction,
  useProblems,
  useSaveTemplate,
  useTemplates,
} from '../hooks/use-imports';
import { ImportStatusBadge } from './ImportsPage';

/** /imports/:id — map the columns, check the whole file, see its problems, import it with progress. */
export function ImportPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const job = useImport(id);
  if (job.isLoading) return <Loader aria-label={t('common.loading')} />;
  if (job.error || !job.data) {
    if ((job.error as { status?: number } | null)?.status === 404) return <NotFound />;
    return <Alert color="red">{errorMessage(job.error)}</Alert>;
  }
  // Keyed by the stored mapping: a run that changed it shows what the server holds.
  return <ImportView key={JSON.stringify([job.data.mapping, job.data.options])} job={job.data} />;
}

function ImportView({ job }: { job: ImportJob }) {
  const { t, i18n } = useTranslation();
  const actions = useImportAction(job.id);
  const running = isRunning(job);
  const editable = ['uploaded', 'invalid', 'validated', 'failed'].includes(job.status);
  const [mapping, setMapping] = useState<Record<string, string>>(job.mapping ?? {});
  const [dateOrder, setDateOrder] = useState<'dmy' | 'mdy'>(job.options.dateOrder ?? 'dmy');
  const actionError =
    actions.validate.error ?? actions.commit.error ?? actions.cancel.error ?? actions.applyTemplate.error;
  // A template (or a hand) may name columns this file lacks: shown, never dropped unseen.
  const missing = Object.entries(mapping).filter(([, column]) => !job.headers.includes(column));
  const labelOf = (key: string) => job.fields.find((f) => f.key === key)?.label ?? key;
  const n = (v: number) => formatNumber(v, i18n.language);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('imports.jobTitle', { id: job.id, file: job.fileName })}</Title>
        <ImportStatusBadge job={job} />
      </Group>
      <Text size="sm" c="dimmed" data-testid="import-file-info">
        {t(job.format === 'xlsx' ? 'imports.infoXlsx' : 'imports.infoCsv', {
          encoding: (job.encoding ?? '').toUpperCase(),
          delimiter: job.delimiter === '\t' ? 'Tab' : job.delimiter,
          columns: job.headers.length,
        })}
      </Text>

      {job.failure && (
        <Alert color="red" role="alert" title={t('imports.failed')}>
          {job.failureMessage ?? job.failure.code}
        </Alert>
      )}
      {actionError && (
        <Alert color="red" role="alert">
          {errorMessage(actionError)}
        </Alert>
      )}

      {running && job.progress && (
        <Card withBorder data-testid="import-progress">
          <Stack gap="xs">
            <Text fw={500}>
              {t(job.status === 'committing' ? 'imports.committing' : 'imports.validating')}
            </Text>
            <Progress value={job.progress.fraction * 100} animated aria-label={t('imports.progress')} />
            <Text size="sm" c="dimmed">
              {t('imports.progressLine', {
                rows: n(job.progress.rowsDone),
                rate: job.progress.rowsPerSecond === null ? '—' : n(job.progress.rowsPerSecond),
                left: job.progress.secondsLeft === null ? '—' : n(job.progress.secondsLeft),
              })}
            </Text>
            <Group>
              <Button
                variant="default"
                onClick={() => actions.cancel.mutate()}
                loading={actions.cancel.isPending}
              >
                {t('common.cancel')}
              </Button>
            </Group>
          </Stack>
        </Card>
      )}

      {job.status === 'committed' && (
        <Alert color="green" role="status" title={t('imports.doneTitle')}>
          {job.result?.alreadyImportedBy
            ? t('imports.alreadyImported', { id: job.result.alreadyImportedBy })
            : job.entity === 'units'
              ? t('imports.doneUnits', { units: n(job.result?.units ?? 0) })
              : job.entity === 'events'
                ? t('imports.doneEvents', {
                    events: n(job.result?.events ?? 0),
                    members: n(job.result?.members ?? 0),
                  })
                : job.entity === 'cards'
                  ? t('imports.doneCards', {
                      cards: n(job.result?.cards ?? 0),
                      members: n(job.result?.members ?? 0),
                    })
                  : t('imports.done', { members: n(job.result?.members ?? 0) })}{' '}
          {job.entity === 'units' ? (
            <AppLink to={job.unitId ? `/units/${job.unitId}` : '/'}>{t('imports.seeUnits')}</AppLink>
          ) : (
            <AppLink to={job.unitId ? `/members?unit=${job.unitId}` : '/members'}>
              {t('imports.seeMembers')}
            </AppLink>
          )}
        </Alert>
      )}

      {job.status === 'validated' && (
        <Alert color="teal" role="status" title={t('imports.readyTitle')}>
          <Stack gap="xs">
            <Text>{t('imports.ready', { rows: n(job.rowsTotal ?? 0) })}</Text>
            <Group>
              <Button
                onClick={() => actions.commit.mutate()}
                loading={actions.commit.isPending}
                data-testid="import-commit"
              >
                {t('imports.commit', { rows: n(job.rowsTotal ?? 0) })}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}

      {editable && (
        <Card withBorder>
          <Stack>
            <Title order={3}>{t('imports.mapping')}</Title>
            <Text size="sm" c="dimmed">
              {t('imports.mappingHelp')}
            </Text>
            <TemplatePicker
              entity={job.entity}
              onApply={(templateId) => actions.applyTemplate.mutate(templateId)}
              busy={actions.applyTemplate.isPending}
            />
            {missing.length > 0 && (
              <Alert color="yellow" role="alert" data-testid="import-missing-columns">
                {t('imports.missingColumns', {
                  columns: missing.map(([field, column]) => `${labelOf(field)}: “${column}”`).join(', '),
                })}
              </Alert>
            )}
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
              {job.fields.map((field) => (
                <Select
                  key={field.key}
                  label={field.label}
                  withAsterisk={field.required}
                  placeholder={t('imports.notInFile')}
                  data={[
                    ...job.headers.filter((h) => h !== '').map((h) => ({ value: h, label: h })),
                    ...(mapping[field.key] && !job.headers.includes(mapping[field.key]!)
                      ? [
                          {
                            value: mapping[field.key]!,
                            label: t('imports.columnMissing', { column: mapping[field.key] }),
                          },
                        ]
                      : []),
                  ]}
                  value={mapping[field.key] ?? null}
                  onChange={(value) =>
                    setMapping((m) => {
                      const next = { ...m };
                      if (value) next[field.key] = value;
                      else delete next[field.key];
                      return next;
                    })
                  }
                  clearable
                  searchable
                  data-testid={`map-${field.key}`}
                />
              ))}
            </SimpleGrid>
            <Select
              label={t('imports.dateOrder')}
              data={[
                { value: 'dmy', label: t('imports.dmy') },
                { value: 'mdy', label: t('imports.mdy') },
              ]}
              value={dateOrder}
              onChange={(v) => v && setDateOrder(v as 'dmy' | 'mdy')}
              allowDeselect={false}
              maw={320}
            />
            <Group>
              <Button
                onClick={() => actions.validate.mutate({ mapping, dateOrder })}
                loading={actions.validate.isPending}
                variant={job.status === 'validated' ? 'default' : 'filled'}
                data-testid="import-validate"
              >
                {t(job.status === 'uploaded' ? 'imports.validate' : 'imports.validateAgain')}
              </Button>
              <Button variant="subtle" color="red" onClick={() => actions.cancel.mutate()}>
                {t('imports.drop')}
              </Button>
            </Group>
            <SaveTemplate entity={job.entity} mapping={mapping} dateOrder={dateOrder} />
          </Stack>
        </Card>
      )}

      {job.status === 'invalid' && <Problems job={job} />}
    </Stack>
  );
}

function Problems({ job }: { job: ImportJob }) {
  const { t, i18n } = useTranslation();
  const problems = useProblems(job.id, true);
  const items = problems.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card withBorder>
      <Stack>
        <Group justify="space-between">
          <Title order={3}>
            {t('imports.problemsTitle', {
              count: job.problemCount,
              n: formatNumber(job.problemCount, i18n.language),
            })}
          </Title>
          <Group gap="md">
            <Anchor href={problemsFileUrl(job.id, 'csv')} download>
              {t('imports.downloadProblems')}
            </Anchor>
            <Anchor href={problemsFileUrl(job.id, 'xlsx')} download data-testid="import-problems-xlsx">
              {t('imports.downloadProblemsXlsx')}
            </Anchor>
          </Group>
        </Group>
        <Text size="sm" c="dimmed">
          {t('imports.problemsHelp')}
        </Text>
        {problems.error && <Alert color="red">{errorMessage(problems.error)}</Alert>}
        <Table striped data-testid="import-problems">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('imports.row')}</Table.Th>
              <Table.Th>{t('imports.column')}</Table.Th>
              <Table.Th>{t('imports.value')}</Table.Th>
              <Table.Th>{t('imports.whatIsWrong')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((p) => (
              <Table.Tr key={p.seq}>
                <Table.Td>{p.row ?? '—'}</Table.Td>
                <Table.Td>{p.column ?? '—'}</Table.Td>
                <Table.Td dir="auto">{p.value ?? ''}</Table.Td>
                <Table.Td>{p.message}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {problems.hasNextPage && (
          <Button
            variant="subtle"
            onClick={() => void problems.fetchNextPage()}
            loading={problems.isFetchingNextPage}
          >
            {t('imports.more')}
          </Button>
        )}
      </Stack>
    </Card>
  );
}

/** Apply a saved mapping: the server puts it on the import, and the form shows what it holds. */
function TemplatePicker({
  entity,
  onApply,
  busy,
}: {
  entity: ImportEntity;
  onApply: (templateId: number) => void;
  busy: boolean;
}) {
  const { t } = useTranslation();
  const templates = useTemplates(entity);
  const items = templates.data ?? [];
  return (
    <Select
      label={t('imports.applyTemplate')}
      placeholder={items.length ? t('imports.chooseTemplate') : t('imports.noTemplates')}
      disabled={busy || items.length === 0}
      data={items.map((x) => ({ value: String(x.id), label: x.name }))}
      value={null}
      onChange={(value) => value && onApply(Number(value))}
      searchable
      maw={420}
      error={templates.error ? errorMessage(templates.error) : undefined}
      data-testid="import-template"
    />
  );
}

/** Save the mapping shown (with its date order) under a name, for the next file from the same source. */
function SaveTemplate({
  entity,
  mapping,
  dateOrder,
}: {
  entity: ImportEntity;
  mapping: Record<string, string>;
  dateOrder: 'dmy' | 'mdy';
}) {
  const { t } = useTranslation();
  const save = useSaveTemplate();
  const [name, setName] = useState('');
  return (
    <Group align="flex-end">
      <TextInput
        label={t('imports.templateName')}
        description={t('imports.templateHelp')}
        value={name}
        onChange={(e) => {
          setName(e.currentTarget.value);
          save.reset();
        }}
        maxLength={120}
        error={save.error ? errorMessage(save.error) : undefined}
        data-testid="import-template-name"
        miw={280}
      />
      <Button
        variant="default"
        disabled={name.trim() === '' || Object.keys(mapping).length === 0}
        loading={save.isPending}
        onClick={() => save.mutate({ entity, name: name.trim(), mapping, dateOrder })}
        data-testid="import-save-template"
      >
        {t('imports.saveTemplate')}
      </Button>
      {save.isSuccess && (
        <Text size="sm" c="teal" role="status">
          {t('imports.templateSaved', { name: save.data.name })}
        </Text>
      )}
    </Group>
  );
}
