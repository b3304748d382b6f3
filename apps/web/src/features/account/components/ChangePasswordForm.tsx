import { Alert, Button, Group, PasswordInput, SimpleGrid, Stack } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../../api/client';
import { NewPasswordFields, useNewPassword } from '../../auth/components/NewPasswordFields';
import { useChangePassword } from '../../auth/hooks/use-session';

/** The user changes their own password, proving they know the current one; their other sessions end. */
export function ChangePasswordForm() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const next = useNewPassword();
  const mutation = useChangePassword();
  const error = mutation.error;
  const field = error instanceof ApiError ? error.field : undefined;
  const at = (name: string) => (error && field === name ? errorMessage(error) : undefined);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!next.confirmed()) return;
    mutation.mutate(
      { currentPassword: current, newPassword: next.password },
      {
        onSuccess: () => {
          setCurrent('');
          next.clear();
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate data-testid="change-password">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <PasswordInput
            label={t('account.currentPassword')}
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            required
            error={at('currentPassword')}
            data-testid="current-password"
          />
          <NewPasswordFields
            state={next}
            label={t('account.newPassword')}
            error={at('newPassword')}
            testIds={{ password: 'new-password', confirm: 'confirm-password' }}
          />
        </SimpleGrid>
        {error && !['currentPassword', 'newPassword'].includes(field ?? '') && (
          <Alert color="red" role="alert">
            {errorMessage(error)}
          </Alert>
        )}
        {mutation.isSuccess && (
          <Alert color="teal" data-testid="password-changed">
            {t('account.passwordChanged')}
          </Alert>
        )}
        <Group>
          <Button
            type="submit"
            loading={mutation.isPending}
            disabled={!current || !next}
            data-testid="change-password-submit"
          >
            {t('account.changePassword')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
