import { Alert, Button, Card, Group, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import type { User } from '../../../api/types';
import { TokenList } from '../../account/components/TokenTable';
import {
  useResetPassword,
  useRevokeUserToken,
  useSignOutUser,
  useUnlinkSingleSignOn,
  useUserTokens,
} from '../hooks/use-users';

/** Sign-in matters: set a new password, sign the user out everywhere, revoke their API tokens. */
export function UserAccessCard({ user }: { user: User }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const reset = useResetPassword(user.id);
  const signOut = useSignOutUser(user.id);
  const unlink = useUnlinkSingleSignOn(user.id);
  const tokens = useUserTokens(user.id);
  const revoke = useRevokeUserToken(user.id);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    reset.mutate(password, { onSuccess: () => setPassword('') });
  };

  return (
    <Card withBorder data-testid="user-access">
      <Stack gap="md">
        <Title order={3} size="h4">
          {t('users.signInTitle')}
        </Title>
        <form onSubmit={submit} noValidate>
          <Stack gap="xs">
            <Group align="flex-end" wrap="wrap">
              <PasswordInput
                label={t('users.newPassword')}
                description={t('users.newPasswordHelp')}
                autoComplete="new-password"
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                error={reset.isError ? errorMessage(reset.error) : undefined}
                style={{ flex: 1, minWidth: 240 }}
                data-testid="reset-password"
              />
              <Button
                type="submit"
                loading={reset.isPending}
                disabled={!password}
                data-testid="reset-password-submit"
              >
                {t('users.setPassword')}
              </Button>
            </Group>
            {reset.isSuccess && (
              <Alert color="teal" data-testid="password-reset-done">
                {t('users.passwordSet')}
              </Alert>
            )}
          </Stack>
        </form>
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{t('users.signOutHelp')}</Text>
          <Button
            variant="light"
            color="red"
            loading={signOut.isPending}
            onClick={() => signOut.mutate()}
            data-testid="sign-out-user"
          >
            {t('account.signOutEverywhere')}
          </Button>
          {signOut.isSuccess && (
            <Alert color="teal" data-testid="user-signed-out">
              {t('users.signedOut')}
            </Alert>
          )}
          {signOut.isError && (
            <Alert color="red" role="alert">
              {errorMessage(signOut.error)}
            </Alert>
          )}
        </Stack>
        {user.singleSignOn && (
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{t('users.unlinkHelp')}</Text>
            <Button
              variant="light"
              loading={unlink.isPending}
              onClick={() => unlink.mutate()}
              data-testid="unlink-sso"
            >
              {t('users.unlink')}
            </Button>
            {unlink.isError && (
              <Alert color="red" role="alert">
                {errorMessage(unlink.error)}
              </Alert>
            )}
          </Stack>
        )}
        <Stack gap="xs">
          <Text fw={600} size="sm">
            {t('token.title')}
          </Text>
          <TokenList tokens={tokens} revoke={revoke} testId="user-tokens" />
        </Stack>
      </Stack>
    </Card>
  );
}
