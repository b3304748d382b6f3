import { Card, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { MemberDetail } from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { StatusBadge } from '../../../app/StatusBadge';
import { formatDate } from '../../../lib/dates';
import { DetailRow } from './DetailRow';
import { MemberStatusBadge } from './MemberStatusBadge';
import { UnitName } from './UnitName';

/** "3 years 4 months" in the UI language. */
export function useSeniority() {
  const { t } = useTranslation();
  return (months: number) => {
    const years = Math.floor(months / 12);
    const rest = months % 12;
    const parts = [];
    if (years > 0) parts.push(t('duration.years', { count: years }));
    if (rest > 0 || years === 0) parts.push(t('duration.months', { count: rest }));
    return parts.join(' ');
  };
}

/** What the events make of the member on the date: status, unit, transit, seniority, membership and deadlines. */
export function MemberStateCard({ member }: { member: MemberDetail }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const seniority = useSeniority();
  const s = member.state;
  const m = member.membership;
  const date = (d: string | null | undefined) => (d ? formatDate(d, lang) : '—');
  return (
    <Card withBorder data-testid="member-state">
      <Stack gap={6}>
        <Title order={3} size="h4">
          {t('memberPage.state', { date: formatDate(member.asOf, lang) })}
        </Title>
        {!s ? (
          <Text size="sm" c="dimmed" data-testid="member-not-yet">
            {t('memberPage.notYet')}
          </Text>
        ) : (
          <>
            <DetailRow label={t('memberPage.status')}>
              <Group gap={6}>
                <MemberStatusBadge status={s.status} exitReason={s.exitReason} />
                {s.exempted && <StatusBadge color="grape">{t('memberPage.exempted')}</StatusBadge>}
                {s.suspended && <StatusBadge color="orange">{t('memberPage.suspended')}</StatusBadge>}
              </Group>
            </DetailRow>
            <DetailRow label={t('memberPage.since')}>
              {s.until
                ? t('common.dateRange', { from: formatDate(s.since, lang), to: formatDate(s.until, lang) })
                : t('common.since', { from: formatDate(s.since, lang) })}
            </DetailRow>
            <DetailRow label={t('memberPage.unit')} testId="member-unit">
              {member.unit ? (
                <AppLink to={`/units/${member.unit.id}`} size="sm">
                  <bdi>{member.unit.name}</bdi>
                </AppLink>
              ) : (
                '—'
              )}
            </DetailRow>
            {s.transferToUnitId !== null && (
              <DetailRow label={t('memberPage.inTransitTo')} testId="member-transit">
                <UnitName id={s.transferToUnitId} asOf={member.asOf} />
              </DetailRow>
            )}
            {s.hostUnitId !== null && (
              <DetailRow label={t('memberPage.hostedBy')}>
                <UnitName id={s.hostUnitId} asOf={member.asOf} />
              </DetailRow>
            )}
            <DetailRow label={t('memberPage.seniority')} testId="member-seniority">
              {member.seniorityMonths === null ? '—' : seniority(member.seniorityMonths)}
            </DetailRow>
            <DetailRow label={t('memberPage.eligible')} testId="member-eligible">
              {member.eligibleForClassification ? t('common.yes') : t('common.no')}
            </DetailRow>
          </>
        )}
        {m && (
          <>
            <Title order={4} size="h5" mt="xs">
              {t('memberPage.membership')}
            </Title>
            <DetailRow label={t('membership.decisionDate')}>{date(m.decisionDate)}</DetailRow>
            <DetailRow label={t('membership.ceremonyDate')}>{date(m.ceremonyDate)}</DetailRow>
            <DetailRow label={t('membership.probationEnd')}>{date(m.probationEnd)}</DetailRow>
            <DetailRow label={t('membership.officialFrom')} testId="member-official-from">
              {date(m.officialFrom)}
            </DetailRow>
            {m.end && <DetailRow label={t('membership.end')}>{date(m.end)}</DetailRow>}
          </>
        )}
        {member.memberships.length > 1 && (
          <Text size="xs" c="dimmed">
            {t('memberPage.memberships', { count: member.memberships.length })}
          </Text>
        )}
        {member.deadlines.length > 0 && (
          <>
            <Title order={4} size="h5" mt="xs">
              {t('memberPage.deadlines')}
            </Title>
            {member.deadlines.map((d) => (
              <DetailRow key={d.kind} label={t(`deadline.${d.kind}`, { defaultValue: d.kind })}>
                <Group gap={6}>
                  <Text size="sm">{t('memberPage.due', { date: formatDate(d.due, lang) })}</Text>
                  {d.due < member.asOf && <StatusBadge color="red">{t('workList.overdue')}</StatusBadge>}
                </Group>
              </DetailRow>
            ))}
          </>
        )}
      </Stack>
    </Card>
  );
}
