import { Alert, Button, Loader, Table, Text } from '@mantine/core';
import type { UseMutationResult, UseQueryResult } from '@tanstack/react-query';
import { errorMessage } from '../../../api/client';
import { useTranslation } from 'react-i18next';
import type { ApiToken } from '../../../api/types';
import { formatDateTime } from '../../../lib/dates';
import { useRoleNames } from '../../roles/hooks/use-roles';
import { StatusBadge } from '../../../app/StatusBadge';

interface TokenTableProps {
  tokens: ApiToken[];
  onRevoke: (token: ApiToken) => void;
  revoking?: number | null;
  testId?: string;
}

/** A person's tokens as they load, with revocation and its errors (one's own, or a managed user's). */
export function TokenList({
  tokens,
  revoke,
  testId,
}: {
  tokens: UseQueryResult<{ items: ApiToken[] }>;
  revoke: UseMutationResult<unknown, Error, number>;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      {tokens.isPending && <Loader size="xs" aria-label={t('common.loading')} />}
      {tokens.isError && <Text c="red">{errorMessage(tokens.error)}</Text>}
      {revoke.isError && (
        <Alert color="red" role="alert">
          {errorMessage(revoke.error)}
        </Alert>
      )}
      {tokens.data && (
        <TokenTable
          tokens={tokens.data.items}
          onRevoke={(token) => revoke.mutate(token.id)}
          revoking={revoke.isPending ? revoke.variables : null}
          testId={testId}
        />
      )}
    </>
  );
}

/** API tokens with what they may do, when they expire and were last used; live ones can be revoked. */
export function TokenTable({ tokens, onRevoke, revoking, testId }: TokenTableProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { permissionName } = useRoleNames();
  if (tokens.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid={testId}>
        {t('token.none')}
      </Text>
    );
  }
  const now = new Date().toISOString();
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table verticalSpacing="xs" data-testid={testId}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('token.name')}</Table.Th>
            <Table.Th>{t('token.permissions')}</Table.Th>
            <Table.Th>{t('token.expires')}</Table.Th>
            <Table.Th>{t('token.lastUsed')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.map((token) => {
            const expired = token.expiresAt <= now;
            return (
              <Table.Tr key={token.id} data-testid={`token-${token.id}`}>
                <Table.Td dir="auto">{token.name}</Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {token.permissions === null
                      ? t('token.allPermissions')
                      : token.permissions.map(permissionName).join(', ')}
                  </Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(token.expiresAt, lang)}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {token.lastUsedAt ? formatDateTime(token.lastUsedAt, lang) : t('token.neverUsed')}
                </Table.Td>
                <Table.Td>
                  {token.revokedAt ? (
                    <StatusBadge color="gray">{t('token.revoked')}</StatusBadge>
                  ) : expired ? (
                    <StatusBadge color="gray">{t('token.expired')}</StatusBadge>
                  ) : (
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      loading={revoking === token.id}
                      onClick={() => onRevoke(token)}
                      data-testid={`revoke-token-${token.id}`}
                    >
                      {t('token.revoke')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
