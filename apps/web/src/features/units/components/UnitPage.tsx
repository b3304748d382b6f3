import {
  Alert,
  Anchor,
  Breadcrumbs,
  Card,
  Code,
  Group,
  Loader,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ApiError, errorMessage } from '../../../api/client';
import type { Unit, UnitRef } from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { useAsOf } from '../../../app/as-of';
import { formatDate, formatNumber } from '../../../lib/dates';
import { useAccess } from '../../auth/hooks/use-session';
import { UnitMemberFigures } from '../../members/components/UnitMemberFigures';
import { useKinds } from '../../rule-pack/hooks/use-kinds';
import { useChildren, useUnit } from '../hooks/use-units';
import { AddUnitModal } from './AddUnitModal';
import { UnitFigures } from './UnitFigures';
import { UnitHistoryTimeline } from './UnitHistoryTimeline';
import { UnitLineagePanel } from './UnitLineagePanel';
import { UnitTree } from './UnitTree';
import { UnitsExportMenu } from './UnitsExportMenu';
import { StatusBadge } from '../../../app/StatusBadge';

/** One unit as of the chosen date: details, place in the tree, history, lineage and figures. */
export function UnitPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const { asOf } = useAsOf();
  const detail = useUnit(id, asOf);
  const { can } = useAccess();

  if (!Number.isInteger(id) || id <= 0) return <Alert color="red">{t('unitPage.badId')}</Alert>;
  if (detail.isPending) {
    return (
      <Group>
        <Loader size="sm" />
        <Text>{t('common.loading')}</Text>
      </Group>
    );
  }
  if (detail.isError) {
    const notFound = detail.error instanceof ApiError && detail.error.status === 404;
    return (
      <Alert color="red" role="alert" title={notFound ? t('unitPage.notFound') : t('common.failed')}>
        {errorMessage(detail.error)}
      </Alert>
    );
  }
  const data = detail.data;
  const shown = data.unit ?? data.lastKnown;
  const membersShown = can('members.read');
  return (
    <Stack gap="lg">
      <Breadcrumbs separator="›" aria-label={t('unitPage.breadcrumb')} data-testid="breadcrumb">
        <AppLink to="/">{t('nav.tree')}</AppLink>
        {data.ancestors.map((a) => (
          <AppLink key={a.id} to={`/units/${a.id}`}>
            {a.name}
          </AppLink>
        ))}
        <Text span size="sm" aria-current="page">
          {shown.name}
        </Text>
      </Breadcrumbs>
      <Group gap="sm" align="center">
        <Title order={2} data-testid="unit-title">
          {shown.name}
        </Title>
        <Code fz="md">{shown.code}</Code>
        {data.liveOnDate && <UnitsExportMenu unitId={id} />}
      </Group>
      {!data.liveOnDate && <NotLiveNotice existence={data.existence} />}
      <UnitDetails unit={shown} live={data.liveOnDate} childCount={data.childCount} />
      {data.liveOnDate && data.unit && <ChildrenPanel unit={data.unit} />}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <UnitHistoryTimeline unitId={id} />
        <Stack gap="lg">
          <UnitLineagePanel unitId={id} />
          <UnitFigures unitId={id} />
        </Stack>
      </SimpleGrid>
      {membersShown && <UnitMemberFigures unitId={id} />}
    </Stack>
  );
}

function NotLiveNotice({ existence }: { existence: { from: string; to: string | null } }) {
  const { t, i18n } = useTranslation();
  const { asOf, setAsOf } = useAsOf();
  const lang = i18n.language;
  const before = asOf < existence.from;
  return (
    <Alert
      color="yellow"
      title={t('unitPage.notLive', { date: formatDate(asOf, lang) })}
      data-testid="not-live"
    >
      <Stack gap={6} align="flex-start">
        <Text size="sm">
          {existence.to
            ? t('unitPage.existedBetween', {
                from: formatDate(existence.from, lang),
                to: formatDate(existence.to, lang),
              })
            : t('unitPage.existsFrom', { from: formatDate(existence.from, lang) })}
        </Text>
        <Text size="sm">{before ? t('unitPage.shownFirstState') : t('unitPage.shownLastState')}</Text>
        <Anchor component="button" type="button" size="sm" onClick={() => setAsOf(existence.from)}>
          {t('unitPage.viewOn', { date: formatDate(existence.from, lang) })}
        </Anchor>
      </Stack>
    </Alert>
  );
}

function UnitDetails({ unit, live, childCount }: { unit: Unit; live: boolean; childCount: number }) {
  const { t, i18n } = useTranslation();
  const { kindName } = useKinds();
  const lang = i18n.language;
  const attributes = Object.entries(unit.attributes ?? {});
  const row = (label: string, value: ReactNode, testId?: string) => (
    <Group gap="xs" wrap="nowrap" align="baseline">
      <Text size="sm" c="dimmed" w={170} style={{ flex: 'none' }}>
        {label}
      </Text>
      <Text size="sm" component="div" data-testid={testId}>
        {value}
      </Text>
    </Group>
  );
  return (
    <Card withBorder>
      <Stack gap={6}>
        <Title order={3} size="h4">
          {live ? t('unitPage.details') : t('unitPage.lastKnown')}
        </Title>
        {row(t('unit.code'), <Code>{unit.code}</Code>, 'unit-code')}
        {row(t('unit.name'), unit.name, 'unit-name')}
        {row(t('unit.kind'), <StatusBadge>{kindName(unit.kind)}</StatusBadge>, 'unit-kind')}
        {row(
          t('unitPage.stateValid'),
          unit.validTo
            ? t('common.dateRange', {
                from: formatDate(unit.validFrom, lang),
                to: formatDate(unit.validTo, lang),
              })
            : t('common.since', { from: formatDate(unit.validFrom, lang) }),
        )}
        {live && row(t('unitPage.directChildren'), formatNumber(childCount, lang), 'unit-child-count')}
        {attributes.map(([key, value]) => row(key, String(value ?? '')))}
      </Stack>
    </Card>
  );
}

function ChildrenPanel({ unit }: { unit: Unit }) {
  const { t } = useTranslation();
  const { asOf } = useAsOf();
  const children = useChildren(unit.id, asOf);
  const [adding, setAdding] = useState<UnitRef | undefined>(undefined);
  const { can } = useAccess();
  // Adding a unit drafts and applies a one-operation order at once.
  const mayAdd = can('orders.write') && can('orders.apply');
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {t('unitPage.children')}
          </Title>
          {mayAdd && (
            <Anchor
              component="button"
              type="button"
              size="sm"
              onClick={() => setAdding(unit)}
              data-testid="add-child"
            >
              {t('tree.addUnder', { name: unit.name })}
            </Anchor>
          )}
        </Group>
        {children.isPending && <Loader size="xs" />}
        {children.isError && <Text c="red">{errorMessage(children.error)}</Text>}
        {children.data && children.data.items.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('unitPage.noChildren')}
          </Text>
        )}
        {children.data && children.data.items.length > 0 && (
          <UnitTree units={children.data.items} onAddUnder={mayAdd ? setAdding : undefined} />
        )}
      </Stack>
      <AddUnitModal
        parent={adding ?? null}
        opened={adding !== undefined}
        onClose={() => setAdding(undefined)}
      />
    </Card>
  );
}
