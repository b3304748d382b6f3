import { Alert, Button, List, Stack, Text, TextInput, Title } from '@mantine/core';
import { PASSWORD_MIN_LENGTH } from '@rollbook/domain';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../../api/client';
import { useSetUp } from '../hooks/use-session';
import { NewPasswordFields, useNewPassword } from './NewPasswordFields';

const FIELDS = ['username', 'displayName', 'password'];

/** First run: creates the first administrator. There is no default account or password to fall back on. */
export function SetupForm() {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const password = useNewPassword();
  const mutation = useSetUp();
  const error = mutation.error;
  const field = error instanceof ApiError ? error.field?.replace(/^body\./, '') : undefined;
  const at = (name: string) => (error && field === name ? errorMessage(error) : undefined);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!password.confirmed()) return;
    mutation.mutate({
      username: username.trim(),
      displayName: displayName.trim(),
      password: password.password,
    });
  };

  return (
    <form onSubmit={submit} noValidate data-testid="setup">
      <Stack>
        <Title order={2} size="h3">
          {t('setup.title')}
        </Title>
        <Text size="sm">{t('setup.intro')}</Text>
        <List size="sm" spacing={4}>
          <List.Item>{t('setup.noDefault')}</List.Item>
          <List.Item>{t('setup.passwordRule', { min: PASSWORD_MIN_LENGTH })}</List.Item>
        </List>
        <TextInput
          label={t('user.username')}
          description={t('user.usernameHelp')}
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.currentTarget.value)}
          required
          dir="ltr"
          error={at('username')}
          data-testid="setup-username"
        />
        <TextInput
          label={t('user.displayName')}
          autoComplete="name"
          value={displayName}
          onChange={(e) => setDisplayName(e.currentTarget.value)}
          required
          dir="auto"
          error={at('displayName')}
          data-testid="setup-display-name"
        />
        <NewPasswordFields
          state={password}
          label={t('user.password')}
          error={at('password')}
          testIds={{ password: 'setup-password', confirm: 'setup-confirm' }}
        />
        {error && !FIELDS.includes(field ?? '') && (
          <Alert color="red" role="alert" data-testid="setup-error">
            {errorMessage(error)}
          </Alert>
        )}
        <Button
          type="submit"
          loading={mutation.isPending}
          disabled={!username.trim() || !displayName.trim() || !password}
          data-testid="setup-submit"
        >
          {t('setup.submit')}
        </Button>
      </Stack>
    </form>
  );
}
