import { Code, Group, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AuditEvent } from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { useOrganizationTimeZone } from '../../../app/server-today';
import { formatDateTime } from '../../../lib/dates';
import { useAccess } from '../../auth/hooks/use-session';
import { ChangesSummary } from './ChangesSummary';

const UNITS_SHOWN = 3;

/** Audit events, newest first: when, who, what, on which record and units, and what changed. */
export function AuditTable({ events }: { events: AuditEvent[] }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table verticalSpacing="xs" striped data-testid="audit-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('audit.time')}</Table.Th>
            <Table.Th>{t('audit.actor')}</Table.Th>
            <Table.Th>{t('audit.action')}</Table.Th>
            <Table.Th>{t('audit.entity')}</Table.Th>
            <Table.Th>{t('audit.units')}</Table.Th>
            <Table.Th>{t('audit.changes')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((e) => (
            <EventRow key={e.seq} event={e} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function EventRow({ event: e }: { event: AuditEvent }) {
  const { t, i18n } = useTranslation();
  // The organization's clock: the day filters count days in its time zone too.
  const timeZone = useOrganizationTimeZone();
  const { can } = useAccess();
  const manageUsers = can('users.manage');
  const entityLink =
    e.entity.id === null
      ? null
      : e.entity.type === 'order'
        ? `/orders/${e.entity.id}`
        : e.entity.type === 'user' && manageUsers
          ? `/users/${e.entity.id}`
          : null;
  return (
    <Table.Tr data-testid={`audit-event-${e.seq}`} style={{ verticalAlign: 'top' }}>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm" title={e.at}>
          {formatDateTime(e.at, i18n.language, timeZone)}
        </Text>
        <Text size="xs" c="dimmed">
          #{e.seq}
        </Text>
      </Table.Td>
      <Table.Td>
        {e.actor.id !== null && manageUsers ? (
          <AppLink to={`/users/${e.actor.id}`} size="sm">
            <bdi>{e.actor.name}</bdi>
          </AppLink>
        ) : (
          <Text size="sm" dir="auto">
            {e.actor.name}
          </Text>
        )}
        {e.source && (
          <Text size="xs" c="dimmed" dir="ltr">
            {e.source}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm" data-testid="audit-action-label">
          {t(`auditAction.${e.action}`, { defaultValue: e.action })}
        </Text>
        <Code fz="xs">{e.action}</Code>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm">
          {t(`auditEntity.${e.entity.type}`, { defaultValue: e.entity.type })}{' '}
          {e.entity.id !== null &&
            (entityLink ? (
              <AppLink to={entityLink} size="sm">
                #{e.entity.id}
              </AppLink>
            ) : (
              `#${e.entity.id}`
            ))}
        </Text>
      </Table.Td>
      <Table.Td>
        {e.unitIds.length === 0 ? (
          <Text size="xs" c="dimmed">
            {t('audit.noUnit')}
          </Text>
        ) : (
          <Stack gap={0}>
            <Group gap={6}>
              {e.unitIds.slice(0, UNITS_SHOWN).map((id) => (
                <AppLink key={id} to={`/units/${id}`} size="sm">
                  #{id}
                </AppLink>
              ))}
            </Group>
            {e.unitIds.length > UNITS_SHOWN && (
              <Text size="xs" c="dimmed">
                {t('audit.moreUnits', { count: e.unitIds.length - UNITS_SHOWN })}
              </Text>
            )}
          </Stack>
        )}
      </Table.Td>
      <Table.Td>
        <ChangesSummary changes={e.changes} />
      </Table.Td>
    </Table.Tr>
  );
}
