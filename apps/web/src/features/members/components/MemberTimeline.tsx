import { Anchor, Card, Group, Loader, Stack, Switch, Text, Timeline, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import type { MemberEvent } from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { StatusBadge } from '../../../app/StatusBadge';
import { formatDate, formatDateTime } from '../../../lib/dates';
import { DATE_DETAILS, type DetailField } from '../event-draft';
import { useMemberEvents } from '../hooks/use-members';

/** The member's events in date order; corrected ones (on request) struck through with the reason. */
export function MemberTimeline({
  memberId,
  onCorrect,
}: {
  memberId: number;
  /** Offered on events that still stand, to writers. */
  onCorrect?: (event: MemberEvent) => void;
}) {
  const { t } = useTranslation();
  const [includeCorrected, setIncludeCorrected] = useState(false);
  const events = useMemberEvents(memberId, includeCorrected);
  const items = events.data?.items ?? [];
  return (
    <Card withBorder data-testid="member-timeline">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {t('timeline.title')}
          </Title>
          <Switch
            size="sm"
            label={t('timeline.includeCorrected')}
            checked={includeCorrected}
            onChange={(e) => setIncludeCorrected(e.currentTarget.checked)}
            data-testid="include-corrected"
          />
        </Group>
        {events.isPending && <Loader size="xs" />}
        {events.isError && <Text c="red">{errorMessage(events.error)}</Text>}
        {events.data && items.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('timeline.none')}
          </Text>
        )}
        {items.length > 0 && (
          <Timeline bulletSize={14} lineWidth={2} active={items.length}>
            {items.map((e) => (
              <Timeline.Item
                key={e.id}
                color={e.correctedAt ? 'gray' : undefined}
                data-testid={`event-${e.id}`}
              >
                <EventItem event={e} onCorrect={onCorrect} />
              </Timeline.Item>
            ))}
          </Timeline>
        )}
      </Stack>
    </Card>
  );
}

function EventItem({
  event: e,
  onCorrect,
}: {
  event: MemberEvent;
  onCorrect?: (event: MemberEvent) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const corrected = e.correctedAt !== null;
  const details = Object.entries(e.details ?? {}).filter(
    ([k, v]) => k !== 'orderId' && v !== null && v !== '',
  );
  const detailValue = (key: string, value: unknown) => {
    if (DATE_DETAILS.has(key as DetailField)) return formatDate(String(value), lang);
    return t(`eventChoice.${key}.${String(value)}`, { defaultValue: String(value) });
  };
  const decision = [
    e.decisionNumber && t('decision.numbered', { number: e.decisionNumber }),
    e.decisionDate && t('decision.dated', { date: formatDate(e.decisionDate, lang) }),
    e.decidedBy && t('decision.issuedByName', { name: e.decidedBy }),
  ].filter(Boolean);
  return (
    <Stack gap={2} data-testid="event-item" data-type={e.type} data-corrected={corrected || undefined}>
      <Group gap="xs" wrap="wrap">
        <Text size="sm" fw={600} td={corrected ? 'line-through' : undefined} data-testid="event-title">
          {t(`memberEvent.${e.type}`, { defaultValue: e.type })}
        </Text>
        <Text size="sm" c="dimmed" td={corrected ? 'line-through' : undefined}>
          {formatDate(e.date, lang)}
        </Text>
        {corrected && <StatusBadge color="gray">{t('timeline.corrected')}</StatusBadge>}
        {e.correctsEventId !== null && (
          <StatusBadge color="blue">{t('timeline.replaces', { id: e.correctsEventId })}</StatusBadge>
        )}
        {e.mergedFromMemberId !== null && (
          <StatusBadge color="cyan" data-testid="event-merged-from">
            {t('timeline.mergedFrom', { id: e.mergedFromMemberId })}
          </StatusBadge>
        )}
        {e.restricted && (
          <StatusBadge color="orange" data-testid="event-restricted">
            {t('timeline.restricted')}
          </StatusBadge>
        )}
      </Group>
      <Stack gap={0} style={{ opacity: corrected ? 0.7 : 1 }}>
        {e.unitId !== null && (
          <Text size="sm">
            {t('timeline.unit')}{' '}
            <AppLink to={`/units/${e.unitId}`} asOf={e.date} size="sm">
              <bdi>{e.unitName ?? `#${e.unitId}`}</bdi>
            </AppLink>
          </Text>
        )}
        {details.map(([k, v]) => (
          <Text key={k} size="sm">
            {t(`eventDetail.${k}`, { defaultValue: k })}: <bdi>{detailValue(k, v)}</bdi>
          </Text>
        ))}
        {decision.length > 0 && <Text size="sm">{decision.join(' ')}</Text>}
        {e.orderId !== null && (
          <Text size="sm">
            <AppLink to={`/orders/${e.orderId}`} size="sm">
              {t('timeline.order', { id: e.orderId })}
            </AppLink>
          </Text>
        )}
        {e.note && (
          <Text size="sm" c="dimmed" dir="auto">
            {e.note}
          </Text>
        )}
        {e.restricted && (
          <Text size="xs" c="dimmed">
            {t('timeline.restrictedHelp')}
          </Text>
        )}
        {corrected && (
          <Text size="xs" c="red" data-testid="event-correction-reason">
            {t('timeline.correctedBecause', { reason: e.correctionReason ?? '' })}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          {t('timeline.recorded', {
            when: formatDateTime(e.recordedAt, lang),
            who: e.recordedBy,
            ruleSet: e.ruleSet,
          })}
        </Text>
      </Stack>
      {onCorrect && !corrected && e.type !== 'reorganization' && (
        <Anchor
          component="button"
          type="button"
          size="xs"
          onClick={() => onCorrect(e)}
          style={{ alignSelf: 'flex-start' }}
          data-testid={`correct-${e.id}`}
        >
          {t('timeline.correct')}
        </Anchor>
      )}
    </Stack>
  );
}
