import {
  Button,
  Card,
  Group,
  Loader,
  Modal,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import type { CardAction, MemberCard, MemberDetail } from '../../../api/types';
import { useAsOf } from '../../../app/as-of';
import { formatDate, isUsableDate } from '../../../lib/dates';
import { findingsOfError } from '../event-draft';
import { useCampaigns, useCardAction, useMemberCards } from '../hooks/use-cards';
import { useReloadMember } from '../hooks/use-members';
import { FieldFindings, FindingAlert, WriteFeedback } from './FindingList';
import { isStale } from './RecordEventModal';

const ACTIONS: readonly CardAction[] = ['issue', 'reissue', 'lost', 'recover', 'exchange'];
/** The actions that hand out a new card, and so need its number. */
const NEW_NUMBER = new Set<CardAction>(['issue', 'reissue', 'exchange']);

/** The member's cards old → new, and (to writers) the actions on them. */
export function MemberCardsCard({ member, mayWrite }: { member: MemberDetail; mayWrite: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const cards = useMemberCards(member.id);
  const campaigns = useCampaigns();
  const [action, setAction] = useState<CardAction | null>(null);
  const items = cards.data?.items ?? [];
  const numberOf = new Map(items.map((c) => [c.id, c.number]));
  const campaignName = (id: number) => campaigns.data?.items.find((c) => c.id === id)?.name ?? `#${id}`;
  return (
    <Card withBorder data-testid="member-cards">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {t('cards.title')}
          </Title>
          {mayWrite && (
            <Group gap={6}>
              {ACTIONS.map((a) => (
                <Button
                  key={a}
                  size="xs"
                  variant={a === 'issue' ? 'filled' : 'default'}
                  onClick={() => setAction(a)}
                  data-testid={`card-${a}`}
                >
                  {t(`cards.action.${a}`)}
                </Button>
              ))}
            </Group>
          )}
        </Group>
        {cards.isPending && <Loader size="xs" />}
        {cards.isError && <Text c="red">{errorMessage(cards.error)}</Text>}
        {cards.data && items.length === 0 && (
          <Text size="sm" c="dimmed" data-testid="cards-none">
            {t('cards.none')}
          </Text>
        )}
        {items.length > 0 && (
          <Table.ScrollContainer minWidth={620}>
            <Table withTableBorder verticalSpacing={4} data-testid="cards-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('cards.number')}</Table.Th>
                  <Table.Th>{t('cards.issuedOn')}</Table.Th>
                  <Table.Th>{t('cards.kind')}</Table.Th>
                  <Table.Th>{t('cards.endedOn')}</Table.Th>
                  <Table.Th>{t('cards.endReason')}</Table.Th>
                  <Table.Th>{t('cards.replaces')}</Table.Th>
                  <Table.Th>{t('cards.campaign')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((c: MemberCard) => (
                  <Table.Tr
                    key={c.id}
                    data-testid={`card-row-${c.number}`}
                    data-live={!c.endedOn || undefined}
                  >
                    <Table.Td dir="ltr" style={{ textAlign: 'start' }}>
                      <bdi>{c.number}</bdi>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(c.issuedOn, lang)}</Table.Td>
                    <Table.Td>{t(`cards.kinds.${c.kind}`, { defaultValue: c.kind })}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {c.endedOn ? formatDate(c.endedOn, lang) : t('cards.valid')}
                    </Table.Td>
                    <Table.Td>
                      {c.endReason ? t(`cards.reasons.${c.endReason}`, { defaultValue: c.endReason }) : ''}
                    </Table.Td>
                    <Table.Td>
                      {c.replacesCardId !== null && (
                        <bdi>{numberOf.get(c.replacesCardId) ?? `#${c.replacesCardId}`}</bdi>
                      )}
                    </Table.Td>
                    <Table.Td>{c.campaignId !== null && <bdi>{campaignName(c.campaignId)}</bdi>}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
      <Modal
        opened={action !== null}
        onClose={() => setAction(null)}
        title={action ? t(`cards.action.${action}`) : ''}
      >
        {action && <CardActionForm member={member} action={action} onClose={() => setAction(null)} />}
      </Modal>
    </Card>
  );
}

function CardActionForm({
  member,
  action,
  onClose,
}: {
  member: MemberDetail;
  action: CardAction;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { asOf, today } = useAsOf();
  const [date, setDate] = useState<string>(asOf < today ? asOf : today);
  const [number, setNumber] = useState('');
  const [campaignId, setCampaignId] = useState('');
  const campaigns = useCampaigns();
  const write = useCardAction(member.id);
  const reload = useReloadMember();
  const stale = isStale(write.error);
  const findings = stale ? [] : findingsOfError(write.error);
  const on = (field: string) => {
    const found = findings.filter((f) => f.field === field);
    return found.length ? <FieldFindings findings={found} /> : undefined;
  };
  const placedFields = ['date', 'number', 'campaignId'];
  const needsNumber = NEW_NUMBER.has(action);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    write.mutate(
      {
        version: member.version,
        input: {
          action,
          date,
          ...(needsNumber && { number: number.trim() }),
          ...(action === 'exchange' && campaignId && { campaignId: Number(campaignId) }),
        },
      },
      {
        onSuccess: onClose,
        onError: (error) => {
          if (isStale(error)) void reload();
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate data-testid="card-form">
      <Stack>
        <Text size="sm" c="dimmed">
          {t(`cards.help.${action}`)}
        </Text>
        <TextInput
          type="date"
          label={t('cards.date')}
          value={date}
          max={today}
          onChange={(e) => setDate(e.currentTarget.value)}
          required
          error={on('date')}
          data-testid="card-date"
        />
        {action === 'exchange' && (
          <NativeSelect
            label={t('cards.campaign')}
            value={campaignId}
            onChange={(e) => setCampaignId(e.currentTarget.value)}
            data={[
              { value: '', label: t('cards.chooseCampaign') },
              ...(campaigns.data?.items ?? []).map((c) => ({ value: String(c.id), label: c.name })),
            ]}
            required
            error={on('campaignId')}
            data-testid="card-campaign"
          />
        )}
        {needsNumber && (
          <TextInput
            label={t('cards.newNumber')}
            value={number}
            onChange={(e) => setNumber(e.currentTarget.value)}
            required
            maxLength={60}
            dir="ltr"
            error={on('number')}
            data-testid="card-number"
          />
        )}
        <FindingAlert
          findings={findings.filter((f) => !placedFields.includes(f.field))}
          kind="problems"
          testId="card-problems"
        />
        <WriteFeedback stale={stale} error={write.error} explained={findings.length > 0} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            type="submit"
            loading={write.isPending}
            disabled={
              !isUsableDate(date) || (needsNumber && !number.trim()) || (action === 'exchange' && !campaignId)
            }
            data-testid="card-submit"
          >
            {t(`cards.action.${action}`)}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
