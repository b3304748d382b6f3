import {
  Alert,
  Anchor,
  Box,
  Breadcrumbs,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { errorMessage } from '../../../api/client';
import type { CampaignProgressLine, CardCampaign } from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { useAsOf } from '../../../app/as-of';
import { formatDate, formatNumber, isUsableDate } from '../../../lib/dates';
import { useAccess } from '../../auth/hooks/use-session';
import { UnitPicker } from '../../units/components/UnitPicker';
import { findingsOfError } from '../event-draft';
import { useCampaignProgress, useCampaigns, useCreateCampaign } from '../hooks/use-cards';
import { FieldFindings, FindingAlert } from './FindingList';
import { UnitName } from './UnitName';

/** /card-campaigns: card exchange campaigns, and the progress of the chosen one down the tree. */
export function CardCampaignsPage() {
  const { t, i18n } = useTranslation();
  const { asOf } = useAsOf();
  const { can } = useAccess();
  const campaigns = useCampaigns();
  const [params, setParams] = useSearchParams();
  const [opening, setOpening] = useState(false);
  const chosen = Number(params.get('campaign')) || undefined;
  const unit = Number(params.get('unit')) || undefined;
  // The campaign and the unit live in the address, so a drill-down can be shared and gone back from.
  const choose = (campaign: number | undefined, unitId?: number) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      if (campaign) next.set('campaign', String(campaign));
      else next.delete('campaign');
      if (unitId) next.set('unit', String(unitId));
      else next.delete('unit');
      return next;
    });
  const items = campaigns.data?.items ?? [];
  const lang = i18n.language;
  return (
    <Stack>
      <Breadcrumbs separator="›">
        <AppLink to="/members">{t('nav.members')}</AppLink>
        <Text span size="sm" aria-current="page">
          {t('campaigns.title')}
        </Text>
      </Breadcrumbs>
      <Group justify="space-between">
        <Title order={2}>{t('campaigns.title')}</Title>
        {can('members.write') && (
          <Button onClick={() => setOpening(true)} data-testid="open-campaign">
            {t('campaigns.open')}
          </Button>
        )}
      </Group>
      <Card withBorder padding={0}>
        {campaigns.isPending && <Loader size="sm" m="md" />}
        {campaigns.isError && (
          <Alert color="red" m="md" role="alert">
            {errorMessage(campaigns.error)}
          </Alert>
        )}
        {campaigns.data && items.length === 0 && (
          <Text p="md" c="dimmed" data-testid="campaigns-none">
            {t('campaigns.none')}
          </Text>
        )}
        {items.length > 0 && (
          <Table.ScrollContainer minWidth={640}>
            <Table highlightOnHover verticalSpacing="sm" data-testid="campaigns-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('campaigns.name')}</Table.Th>
                  <Table.Th>{t('campaigns.startsOn')}</Table.Th>
                  <Table.Th>{t('campaigns.endsOn')}</Table.Th>
                  <Table.Th>{t('campaigns.unit')}</Table.Th>
                  <Table.Th>{t('campaigns.decision')}</Table.Th>
                  <Table.Th ta="end">{t('campaigns.inScope')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((c) => (
                  <Table.Tr
                    key={c.id}
                    data-testid={`campaign-row-${c.id}`}
                    aria-selected={c.id === chosen}
                    bg={c.id === chosen ? 'var(--mantine-primary-color-light)' : undefined}
                  >
                    <Table.Td>
                      <Anchor
                        component="button"
                        type="button"
                        onClick={() => choose(c.id)}
                        data-testid="campaign-link"
                      >
                        <bdi>{c.name}</bdi>
                      </Anchor>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(c.startsOn, lang)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {c.endsOn ? formatDate(c.endsOn, lang) : '—'}
                    </Table.Td>
                    <Table.Td>
                      {c.unitId !== null ? (
                        <UnitName id={c.unitId} asOf={c.startsOn} />
                      ) : (
                        t('campaigns.wholeOrganization')
                      )}
                    </Table.Td>
                    <Table.Td>{c.decisionNumber && <bdi>{c.decisionNumber}</bdi>}</Table.Td>
                    <Table.Td ta="end">{formatNumber(c.inScope, lang)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      {chosen !== undefined && (
        <CampaignProgressView
          key={chosen}
          campaignId={chosen}
          unit={unit}
          initialAsOf={asOf}
          onUnit={(u) => choose(chosen, u)}
        />
      )}
      <Modal opened={opening} onClose={() => setOpening(false)} title={t('campaigns.open')}>
        {opening && (
          <OpenCampaignForm
            onClose={() => setOpening(false)}
            onOpened={(c) => {
              setOpening(false);
              choose(c.id);
            }}
          />
        )}
      </Modal>
    </Stack>
  );
}

function CampaignProgressView({
  campaignId,
  unit,
  initialAsOf,
  onUnit,
}: {
  campaignId: number;
  unit: number | undefined;
  initialAsOf: string;
  onUnit: (unitId: number | undefined) => void;
}) {
  const { t, i18n } = useTranslation();
  const [day, setDay] = useState(initialAsOf);
  const usable = isUsableDate(day) ? day : initialAsOf;
  const progress = useCampaignProgress(campaignId, unit, usable);
  const data = progress.data;
  return (
    <Card withBorder data-testid="campaign-progress">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-end">
          <Title order={3} size="h4">
            {data ? t('campaigns.progressOf', { name: data.campaign.name }) : t('campaigns.progress')}
          </Title>
          <TextInput
            type="date"
            label={t('campaigns.asOf')}
            value={day}
            onChange={(e) => setDay(e.currentTarget.value)}
            data-testid="progress-as-of"
          />
        </Group>
        {unit !== undefined && (
          <Anchor
            component="button"
            type="button"
            size="sm"
            onClick={() => onUnit(undefined)}
            style={{ alignSelf: 'flex-start' }}
            data-testid="progress-top"
          >
            {t('campaigns.backToTop')}
          </Anchor>
        )}
        {progress.isPending && <Loader size="xs" />}
        {progress.isError && (
          <Alert color="red" role="alert">
            {errorMessage(progress.error)}
          </Alert>
        )}
        {data && (
          <>
            <Text size="xs" c="dimmed">
              {t('campaigns.progressHelp', { date: formatDate(data.asOf, i18n.language) })}
            </Text>
            <Table withTableBorder verticalSpacing={6} data-testid="progress-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('campaigns.unit')}</Table.Th>
                  <Table.Th ta="end">{t('campaigns.exchangedOfScope')}</Table.Th>
                  <Table.Th ta="end" w={70}>
                    %
                  </Table.Th>
                  <Table.Th w="35%" />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                <ProgressRow line={data.total} total testId="progress-total" />
                {data.children.map((c) => (
                  <ProgressRow
                    key={c.unitId}
                    line={c}
                    onOpen={() => onUnit(c.unitId)}
                    testId={`progress-unit-${c.unitId}`}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </>
        )}
      </Stack>
    </Card>
  );
}

function ProgressRow({
  line,
  total,
  onOpen,
  testId,
}: {
  line: CampaignProgressLine;
  total?: boolean;
  onOpen?: () => void;
  testId: string;
}) {
  const { i18n } = useTranslation();
  const lang = i18n.language;
  const share = line.inScope > 0 ? line.exchanged / line.inScope : 0;
  const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(share);
  const name = (
    <bdi>
      {line.code} {line.name}
    </bdi>
  );
  return (
    <Table.Tr data-testid={testId} fw={total ? 700 : undefined}>
      <Table.Td>
        {onOpen ? (
          <Anchor component="button" type="button" size="sm" onClick={onOpen} data-testid="progress-open">
            {name}
          </Anchor>
        ) : (
          name
        )}
      </Table.Td>
      <Table.Td ta="end" style={{ whiteSpace: 'nowrap' }} data-testid="progress-count">
        {formatNumber(line.exchanged, lang)}/{formatNumber(line.inScope, lang)}
      </Table.Td>
      <Table.Td ta="end" style={{ whiteSpace: 'nowrap' }} data-testid="progress-percent">
        {line.inScope > 0 ? percent : '—'}
      </Table.Td>
      <Table.Td>
        {/* The bar grows from the start side, so it fills right-to-left in Arabic. */}
        <Box
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={line.inScope}
          aria-valuenow={line.exchanged}
          h={10}
          bg="var(--mantine-color-default-border)"
          style={{ borderRadius: 2, overflow: 'hidden' }}
        >
          <Box
            h="100%"
            bg="var(--mantine-primary-color-filled)"
            style={{ inlineSize: `${Math.min(1, share) * 100}%` }}
          />
        </Box>
      </Table.Td>
    </Table.Tr>
  );
}

function OpenCampaignForm({
  onClose,
  onOpened,
}: {
  onClose: () => void;
  onOpened: (campaign: CardCampaign) => void;
}) {
  const { t } = useTranslation();
  const { today } = useAsOf();
  const [name, setName] = useState('');
  const [startsOn, setStartsOn] = useState<string>(today);
  const [endsOn, setEndsOn] = useState('');
  const [unitId, setUnitId] = useState<number | null>(null);
  const [decisionNumber, setDecisionNumber] = useState('');
  const create = useCreateCampaign();
  const findings = findingsOfError(create.error);
  const placedFields = ['name', 'startsOn', 'endsOn', 'unitId', 'decisionNumber'];
  const on = (field: string) => {
    const found = findings.filter((f) => f.field === field);
    return found.length ? <FieldFindings findings={found} /> : undefined;
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      {
        name: name.trim(),
        startsOn,
        endsOn: endsOn || null,
        unitId,
        decisionNumber: decisionNumber.trim() || null,
      },
      { onSuccess: onOpened },
    );
  };
  return (
    <form onSubmit={submit} noValidate data-testid="campaign-form">
      <Stack>
        <TextInput
          label={t('campaigns.name')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
          maxLength={200}
          error={on('name')}
          data-testid="campaign-name"
        />
        <Group grow align="flex-start">
          <TextInput
            type="date"
            label={t('campaigns.startsOn')}
            value={startsOn}
            onChange={(e) => setStartsOn(e.currentTarget.value)}
            required
            error={on('startsOn')}
            data-testid="campaign-starts"
          />
          <TextInput
            type="date"
            label={t('campaigns.endsOn')}
            value={endsOn}
            onChange={(e) => setEndsOn(e.currentTarget.value)}
            error={on('endsOn')}
            data-testid="campaign-ends"
          />
        </Group>
        <UnitPicker
          label={t('campaigns.unit')}
          description={t('campaigns.unitHelp')}
          value={unitId}
          onChange={(id) => setUnitId(id)}
          asOf={isUsableDate(startsOn) ? startsOn : today}
          error={on('unitId')}
          testId="campaign-unit"
        />
        <TextInput
          label={t('campaigns.decision')}
          value={decisionNumber}
          onChange={(e) => setDecisionNumber(e.currentTarget.value)}
          maxLength={100}
          error={on('decisionNumber')}
          data-testid="campaign-decision"
        />
        <FindingAlert findings={findings.filter((f) => !placedFields.includes(f.field))} kind="problems" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            type="submit"
            loading={create.isPending}
            disabled={!name.trim() || !isUsableDate(startsOn) || (endsOn !== '' && !isUsableDate(endsOn))}
            data-testid="campaign-submit"
          >
            {t('campaigns.open')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
