import { Card, Group, Loader, Stack, Text, Timeline, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import { useAsOf } from '../../../app/as-of';
import { formatDate } from '../../../lib/dates';
import { useKinds } from '../../rule-pack/hooks/use-kinds';
import { useUnitHistory } from '../hooks/use-units';
import { OrderReference } from './OrderReference';
import { StatusBadge } from '../../../app/StatusBadge';

/** Every version of the unit, oldest first, with what changed and the order that changed it. */
export function UnitHistoryTimeline({ unitId }: { unitId: number }) {
  const { t, i18n } = useTranslation();
  const { asOf } = useAsOf();
  const { kindName } = useKinds();
  const history = useUnitHistory(unitId);
  const lang = i18n.language;

  const versions = history.data?.versions ?? [];
  // The version in force on the as-of date is highlighted.
  const current = versions.findIndex((v) => v.validFrom <= asOf && (v.validTo === null || asOf < v.validTo));
  const end = history.data?.end ?? null;

  return (
    <Card withBorder data-testid="history">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('history.title')}
        </Title>
        {history.isPending && <Loader size="xs" />}
        {history.isError && <Text c="red">{errorMessage(history.error)}</Text>}
        {history.data && (
          <Timeline active={current} bulletSize={16} lineWidth={2}>
            {versions.map((v, i) => (
              <Timeline.Item
                key={`${v.validFrom}-${i}`}
                title={
                  <Group gap={6}>
                    <Text fw={600} size="sm">
                      {formatDate(v.validFrom, lang)}
                    </Text>
                    {v.changes.map((c) => (
                      <StatusBadge key={c} size="xs">
                        {t(`history.changes.${c}`)}
                      </StatusBadge>
                    ))}
                  </Group>
                }
              >
                <Stack gap={2}>
                  <Text size="sm">
                    {v.code} · {v.name} · {kindName(v.kind)}
                  </Text>
                  {v.parentName && (
                    <Text size="xs" c="dimmed">
                      {t('history.under', { name: v.parentName })}
                    </Text>
                  )}
                  <Text size="xs" c="dimmed">
                    {v.validTo
                      ? t('common.dateRange', {
                          from: formatDate(v.validFrom, lang),
                          to: formatDate(v.validTo, lang),
                        })
                      : t('common.since', { from: formatDate(v.validFrom, lang) })}
                  </Text>
                  {v.order && <OrderReference order={v.order} />}
                </Stack>
              </Timeline.Item>
            ))}
            {end && (
              <Timeline.Item
                color="red"
                title={
                  <Text fw={600} size="sm">
                    {formatDate(end.date, lang)}
                  </Text>
                }
              >
                <Stack gap={2}>
                  <Text size="sm">{t('history.ended')}</Text>
                  {end.order && <OrderReference order={end.order} />}
                </Stack>
              </Timeline.Item>
            )}
          </Timeline>
        )}
      </Stack>
    </Card>
  );
}
