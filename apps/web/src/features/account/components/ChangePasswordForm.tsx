import { Alert, Button, Group, PasswordInput, SimpleGrid, Stack } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../../api/client';
import { useChangePassword } from '../../auth/hooks/use-session';

/** The user changes their own password, proving they know the current one; their other sessions end. */
export function ChangePasswordForm() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const mutation = useChangePassword();
  const error = mutation.error;
  const field = error instanceof ApiError ? error.field : undefined;
  const at = (name: string) => (error && field === name ? errorMessage(error) : undefined);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (next !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    mutation.mutate(
      { currentPassword: current, newPassword: next },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
          setConfirm('');
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
          <PasswordInput
            label={t('account.newPassword')}
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            required
            error={at('newPassword')}
            data-testid="new-password"
          />
          <PasswordInput
            label={t('user.confirmPassword')}
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            required
            error={mismatch ? t('user.passwordsDiffer') : undefined}
            data-testid="confirm-password"
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
