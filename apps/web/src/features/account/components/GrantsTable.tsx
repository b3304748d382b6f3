import { Button, Group, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Grant } from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { useAsOf } from '../../../app/as-of';
import { addDays, formatDate } from '../../../lib/dates';
import { useRoleNames } from '../../roles/hooks/use-roles';
import { StatusBadge } from '../../../app/StatusBadge';

interface GrantsTableProps {
  grants: Grant[];
  /** Offers "Revoke" on grants not yet ended. */
  onRevoke?: (grant: Grant) => void;
  revoking?: number | null;
  testId?: string;
}

/** Grants, in force and ended: the role, the subtree it reaches, and the days it applies. */
export function GrantsTable({ grants, onRevoke, revoking, testId }: GrantsTableProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { today } = useAsOf();
  const { roleName } = useRoleNames();
  if (grants.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid={testId}>
        {t('grant.none')}
      </Text>
    );
  }
  const ended = (g: Grant) => g.validTo !== null && g.validTo <= today;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table verticalSpacing="xs" data-testid={testId}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('grant.role')}</Table.Th>
            <Table.Th>{t('grant.scope')}</Table.Th>
            <Table.Th>{t('grant.from')}</Table.Th>
            <Table.Th>{t('grant.until')}</Table.Th>
            <Table.Th>{t('grant.state')}</Table.Th>
            {onRevoke && <Table.Th />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {grants.map((g) => (
            <Table.Tr key={g.id} data-testid={`grant-${g.id}`}>
              <Table.Td dir="auto">{roleName(g.role, g.roleName)}</Table.Td>
              <Table.Td>
                {g.unit ? (
                  // An ended grant's unit may have ended with it: show it as it stood on the grant's last day.
                  <AppLink to={`/units/${g.unit.id}`} asOf={g.validTo ? addDays(g.validTo, -1) : undefined}>
                    {g.unit.name}
                  </AppLink>
                ) : g.unitId !== null ? (
                  `#${g.unitId}`
                ) : (
                  t('grant.wholeOrganization')
                )}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(g.validFrom, lang)}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                {/* validTo is the first day it no longer applies. */}
                {g.validTo ? formatDate(addDays(g.validTo, -1), lang) : '—'}
              </Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {g.active ? (
                    <StatusBadge color="teal">{t('grant.active')}</StatusBadge>
                  ) : ended(g) ? (
                    <StatusBadge color="gray">{t('grant.ended')}</StatusBadge>
                  ) : (
                    <StatusBadge color="blue">{t('grant.notYet')}</StatusBadge>
                  )}
                  {g.endedByOrderId !== null && (
                    <Text size="xs">
                      {t('grant.endedByOrder')}{' '}
                      <AppLink to={`/orders/${g.endedByOrderId}`} size="xs">
                        #{g.endedByOrderId}
                      </AppLink>
                    </Text>
                  )}
                </Group>
              </Table.Td>
              {onRevoke && (
                <Table.Td>
                  {!ended(g) && (
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      loading={revoking === g.id}
                      onClick={() => onRevoke(g)}
                      data-testid={`revoke-grant-${g.id}`}
                    >
                      {t('grant.revoke')}
                    </Button>
                  )}
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
