import { Alert, Button, Card, Divider, Group, Stack, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../../api/client';
import type { User } from '../../../api/types';
import { GrantsTable } from '../../account/components/GrantsTable';
import { useGrantRole, useRevokeGrant } from '../hooks/use-users';
import { blankGrant, GrantFields, toGrantInput, type GrantDraft } from './GrantFields';

/** The user's grants, in force and ended; grant another role, or revoke one (it ends today). */
export function UserGrantsCard({ user }: { user: User }) {
  const { t } = useTranslation();
  const grant = useGrantRole(user.id);
  const revoke = useRevokeGrant(user.id);
  const [draft, setDraft] = useState<GrantDraft>(() => blankGrant(false));
  const [unitMissing, setUnitMissing] = useState(false);
  const field = grant.error instanceof ApiError ? grant.error.field?.replace(/^body[./]/, '') : undefined;
  const at = (name: string) => (grant.error && field === name ? errorMessage(grant.error) : undefined);

  const submit = () => {
    if (!draft.wholeOrganization && draft.unitId === null) {
      setUnitMissing(true);
      return;
    }
    setUnitMissing(false);
    grant.mutate(toGrantInput(draft), { onSuccess: () => setDraft(blankGrant(false)) });
  };

  return (
    <Card withBorder data-testid="user-grants">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('users.grantsTitle')}
        </Title>
        <GrantsTable
          grants={user.grants}
          onRevoke={(g) => revoke.mutate(g.id)}
          revoking={revoke.isPending ? revoke.variables : null}
          testId="user-grants-table"
        />
        {revoke.isError && (
          <Alert color="red" role="alert">
            {errorMessage(revoke.error)}
          </Alert>
        )}
        <Divider label={t('users.grantAnother')} labelPosition="left" />
        <GrantFields
          value={draft}
          onChange={setDraft}
          errors={{
            role: at('role'),
            unitId: unitMissing ? t('grant.chooseUnit') : at('unitId'),
            from: at('from'),
          }}
          testId="new-grant"
        />
        {grant.error && !['role', 'unitId', 'from'].includes(field ?? '') && (
          <Alert color="red" role="alert" data-testid="grant-error">
            {errorMessage(grant.error)}
          </Alert>
        )}
        <Group>
          <Button onClick={submit} loading={grant.isPending} disabled={!draft.role} data-testid="grant-role">
            {t('users.grant')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
