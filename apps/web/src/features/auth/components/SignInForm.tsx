import { Alert, Button, Divider, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import type { SetupState } from '../../../api/types';
import { useSignIn } from '../hooks/use-session';

interface SignInFormProps {
  singleSignOn: SetupState['singleSignOn'];
  /** Where to go once signed in (single sign-on comes back there too). */
  next: string;
  /** The user was sent here from a page that needs a signed-in user. */
  asked: boolean;
  /** Why single sign-on sent the user back here, in their language. */
  failure: string | null;
}

/** User name and password; the server's message on failure is deliberately the same for every cause. */
export function SignInForm({ singleSignOn, next, asked, failure }: SignInFormProps) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const mutation = useSignIn();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate({ username: username.trim(), password }, { onError: () => setPassword('') });
  };

  return (
    <Stack>
      <Title order={2} size="h3">
        {t('signIn.title')}
      </Title>
      {failure && !mutation.isError && (
        <Alert color="red" role="alert" data-testid="sso-error">
          {failure}
        </Alert>
      )}
      {asked && !mutation.isError && (
        <Text size="sm" c="dimmed" data-testid="sign-in-needed">
          {t('signIn.needed')}
        </Text>
      )}
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t('signIn.username')}
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            required
            data-autofocus
            autoFocus
            dir="ltr"
            data-testid="sign-in-username"
          />
          <PasswordInput
            label={t('signIn.password')}
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            required
            data-testid="sign-in-password"
          />
          {mutation.isError && (
            <Alert color="red" role="alert" data-testid="sign-in-error">
              {errorMessage(mutation.error)}
            </Alert>
          )}
          <Button
            type="submit"
            loading={mutation.isPending}
            disabled={!username.trim() || !password}
            data-testid="sign-in-submit"
          >
            {t('signIn.submit')}
          </Button>
        </Stack>
      </form>
      {singleSignOn && (
        <>
          <Divider label={t('signIn.or')} labelPosition="center" />
          {/* A full page visit: the identity provider's pages and redirects are not an API call. */}
          <Button
            component="a"
            href={`/api/v1/sso/login${next === '/' ? '' : `?returnTo=${encodeURIComponent(next)}`}`}
            variant="default"
            data-testid="sign-in-sso"
          >
            {t('signIn.withSso', { label: singleSignOn.label })}
          </Button>
        </>
      )}
    </Stack>
  );
}
