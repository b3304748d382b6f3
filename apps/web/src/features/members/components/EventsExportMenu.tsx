import { Button, Group, Popover, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAsOf } from '../../../app/as-of';
import { isUsableDate } from '../../../lib/dates';
import { eventsExportUrl } from '../../imports/api/exports-api';

/**
 * Export the lifecycle events of the members shown over a period (by default the year of the
 * date looked at): a period, unlike the member list, which is one day.
 */
export function EventsExportMenu({ unitId }: { unitId?: number }) {
  const { t } = useTranslation();
  const { asOf } = useAsOf();
  const year = asOf.slice(0, 4);
  const [from, setFrom] = useState(`${year}-01-01`);
  const [to, setTo] = useState(`${year}-12-31`);
  const backwards = isUsableDate(from) && isUsableDate(to) && to < from;
  const ready = isUsableDate(from) && isUsableDate(to) && !backwards;
  return (
    <Popover position="bottom-end" withArrow trapFocus>
      <Popover.Target>
        <Button variant="default" data-testid="export-events">
          {t('members.exportEvents')}
        </Button>
      </Popover.Target>
      <Popover.Dropdown maw={340}>
        <Stack gap="xs">
          <Text size="sm">{t('members.exportEventsHelp')}</Text>
          <Group grow gap="xs" align="flex-start">
            <TextInput
              type="date"
              label={t('members.exportFrom')}
              value={from}
              onChange={(e) => setFrom(e.currentTarget.value)}
              data-testid="export-events-from"
            />
            <TextInput
              type="date"
              label={t('members.exportTo')}
              value={to}
              onChange={(e) => setTo(e.currentTarget.value)}
              error={backwards ? t('members.exportPeriodBackwards') : undefined}
              data-testid="export-events-to"
            />
          </Group>
          <Group gap="xs">
            {(['csv', 'xlsx'] as const).map((format) => (
              <Button
                key={format}
                component="a"
                size="xs"
                variant="light"
                href={ready ? eventsExportUrl({ from, to, format, ...(unitId && { unitId }) }) : undefined}
                download
                disabled={!ready}
                data-testid={`export-events-${format}`}
              >
                {t(`members.export_${format}`)}
              </Button>
            ))}
          </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
