import {
  Menu,
  Alert,
  Button,
  Card,
  Group,
  Loader,
  NativeSelect,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { errorMessage } from '../../../api/client';
import type { MemberListFilter, MemberStatusFilter } from '../../../api/types';
import { useAsOf } from '../../../app/as-of';
import { useAccess } from '../../auth/hooks/use-session';
import { useMemberPack } from '../../rule-pack/hooks/use-member-pack';
import { UnitPicker } from '../../units/components/UnitPicker';
import { membersExportUrl } from '../../imports/api/imports-api';
import { useMemberList } from '../hooks/use-members';
import { AddMemberModal } from './AddMemberModal';
import { DuplicatesPanel } from './DuplicatesPanel';
import { EventsExportMenu } from './EventsExportMenu';
import { MemberTable } from './MemberTable';

const STATUSES: readonly MemberStatusFilter[] = [
  'members',
  'applicant',
  'admitted',
  'probationary',
  'official',
  'left',
  'all',
];

/** Unit, status and sex live in the address, so "members of this unit" is a link anyone can open. */
function useMemberFilter(): [Omit<MemberListFilter, 'q'>, (patch: Partial<MemberListFilter>) => void] {
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => {
    const f: Omit<MemberListFilter, 'q'> = {};
    const unit = Number(params.get('unit'));
    if (Number.isInteger(unit) && unit > 0) f.unit = unit;
    const status = params.get('status') as MemberStatusFilter | null;
    if (status && STATUSES.includes(status)) f.status = status;
    const sex = params.get('sex');
    if (sex) f.sex = sex;
    return f;
  }, [params]);
  const update = useCallback(
    (patch: Partial<MemberListFilter>) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [key, value] of Object.entries(patch)) {
            if (value === undefined || value === null || value === '') next.delete(key);
            else next.set(key, String(value));
          }
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  return [filter, update];
}

/** /members: members of the reader's units as of the date, filtered and searched as the user types. */
export function MembersPage() {
  const { t } = useTranslation();
  const { asOf, withAsOf } = useAsOf();
  const { can } = useAccess();
  const pack = useMemberPack();
  const [filter, update] = useMemberFilter();
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text.trim(), 300);
  const query = useMemo(() => ({ ...filter, ...(q && { q }) }), [filter, q]);
  const members = useMemberList(query, asOf);
  const [adding, setAdding] = useState(false);
  const items = members.data?.pages.flatMap((p) => p.items) ?? [];
  const sexes = pack.options('sex');
  const [params, setParams] = useSearchParams();
  const showDuplicates = params.get('view') === 'duplicates';
  const toggleDuplicates = () =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (showDuplicates) next.delete('view');
        else next.set('view', 'duplicates');
        return next;
      },
      { replace: true },
    );

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('members.title')}</Title>
        <Group gap="xs">
          <Button
            component={Link}
            to={withAsOf('/card-campaigns')}
            variant="default"
            data-testid="card-campaigns-link"
          >
            {t('campaigns.title')}
          </Button>
          <Button
            variant={showDuplicates ? 'light' : 'default'}
            onClick={toggleDuplicates}
            aria-pressed={showDuplicates}
            data-testid="show-duplicates"
          >
            {t('duplicates.title')}
          </Button>
          <Menu position="bottom-end">
            <Menu.Target>
              <Button variant="default" data-testid="export-members">
                {t('members.export')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {(['csv', 'xlsx'] as const).map((format) => (
                <Menu.Item
                  key={format}
                  component="a"
                  href={membersExportUrl({
                    asOf,
                    format,
                    ...(filter.unit && { unitId: filter.unit }),
                    ...(filter.status && { status: filter.status }),
                  })}
                  download
                  data-testid={`export-${format}`}
                >
                  {t(`members.export_${format}`)}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
          <EventsExportMenu unitId={filter.unit} />
          {can('members.write') && (
            <Button onClick={() => setAdding(true)} data-testid="add-member">
              {t('members.add')}
            </Button>
          )}
        </Group>
      </Group>
      <Card withBorder data-testid="member-filters">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
          <UnitPicker
            label={t('members.unit')}
            description={t('members.unitHelp')}
            value={filter.unit ?? null}
            onChange={(id) => update({ unit: id ?? undefined })}
            asOf={asOf}
            testId="members-unit"
          />
          <NativeSelect
            label={t('members.status')}
            value={filter.status ?? 'members'}
            onChange={(e) =>
              update({
                status:
                  e.currentTarget.value === 'members'
                    ? undefined
                    : (e.currentTarget.value as MemberStatusFilter),
              })
            }
            data={STATUSES.map((s) => ({ value: s, label: t(`memberStatusFilter.${s}`) }))}
            data-testid="members-status"
          />
          {sexes.length > 0 && (
            <NativeSelect
              label={t('memberField.sex')}
              value={filter.sex ?? ''}
              onChange={(e) => update({ sex: e.currentTarget.value || undefined })}
              data={[{ value: '', label: t('members.any') }, ...sexes]}
              data-testid="members-sex"
            />
          )}
          <TextInput
            type="search"
            label={t('members.search')}
            description={t('members.searchHelp')}
            placeholder={t('members.searchPlaceholder')}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            rightSection={members.isFetching ? <Loader size="xs" /> : null}
            data-testid="members-search"
          />
        </SimpleGrid>
      </Card>
      {showDuplicates && <DuplicatesPanel unitId={filter.unit} />}
      <Card withBorder padding={0}>
        {members.isPending && (
          <Group p="md">
            <Loader size="sm" />
            <Text>{t('common.loading')}</Text>
          </Group>
        )}
        {members.isError && (
          <Alert color="red" m="md" role="alert" data-testid="members-error">
            {errorMessage(members.error)}
          </Alert>
        )}
        {members.data && items.length === 0 && (
          <Text p="md" c="dimmed" data-testid="members-empty">
            {q ? t('members.noneMatch', { text: q }) : t('members.none')}
          </Text>
        )}
        {items.length > 0 && (
          // A new filter or date starts again from the top of the list.
          <MemberTable key={JSON.stringify([query, asOf])} list={members} />
        )}
      </Card>
      <AddMemberModal opened={adding} onClose={() => setAdding(false)} unitId={filter.unit} />
    </Stack>
  );
}
