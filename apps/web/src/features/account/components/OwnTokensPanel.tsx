import {
  Alert,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  NumberInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../../api/client';
import { useRoleNames } from '../../roles/hooks/use-roles';
import { useCreateToken, useOwnTokens, useRevokeOwnToken } from '../hooks/use-tokens';
import { TokenList } from './TokenTable';

/** The user's API tokens for scripts: make one (its secret shown once), list them, revoke them. */
export function OwnTokensPanel({ permissions }: { permissions: string[] }) {
  const { t } = useTranslation();
  const tokens = useOwnTokens();
  const revoke = useRevokeOwnToken();
  const [secret, setSecret] = useState<string | null>(null);

  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t('token.intro')}
      </Text>
      {secret && <SecretOnce secret={secret} onDone={() => setSecret(null)} />}
      <NewTokenForm permissions={permissions} onCreated={setSecret} />
      <TokenList tokens={tokens} revoke={revoke} testId="own-tokens" />
    </Stack>
  );
}

/** The new token's secret: shown this once, with a copy button and a warning to store it now. */
function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert color="yellow" title={t('token.secretTitle')} data-testid="token-secret">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{t('token.secretWarning')}</Text>
        <Group gap="xs" wrap="nowrap" maw="100%">
          <Code dir="ltr" style={{ wordBreak: 'break-all' }} data-testid="token-secret-value">
            {secret}
          </Code>
          <CopyButton value={secret}>
            {({ copied, copy }) => (
              <Button size="compact-xs" variant="default" onClick={copy} data-testid="copy-secret">
                {copied ? t('token.copied') : t('token.copy')}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Button size="xs" variant="default" onClick={onDone} data-testid="secret-stored">
          {t('token.stored')}
        </Button>
      </Stack>
    </Alert>
  );
}

function NewTokenForm({ permissions, onCreated }: { permissions: string[]; onCreated: (s: string) => void }) {
  const { t } = useTranslation();
  const { permissionName } = useRoleNames();
  const [name, setName] = useState('');
  const [days, setDays] = useState<number | string>(90);
  const [limited, setLimited] = useState<string[]>([]);
  const create = useCreateToken();
  const error = create.error;
  const field = error instanceof ApiError ? error.field : undefined;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      {
        name: name.trim(),
        // Nothing ticked: the token may do whatever its owner may do.
        permissions: limited.length > 0 ? limited : null,
        expiresInDays: typeof days === 'number' ? days : Number(days) || 90,
      },
      {
        onSuccess: ({ secret }) => {
          onCreated(secret);
          // Only the panel shows the secret, once; the mutation forgets it.
          create.reset();
          setName('');
          setLimited([]);
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate data-testid="new-token">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t('token.name')}
            description={t('token.nameHelp')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            required
            dir="auto"
            error={field === 'name' ? errorMessage(error) : undefined}
            data-testid="token-name"
          />
          <NumberInput
            label={t('token.expiresInDays')}
            min={1}
            max={366}
            value={days}
            onChange={setDays}
            error={field === 'expiresInDays' ? errorMessage(error) : undefined}
            data-testid="token-days"
          />
        </SimpleGrid>
        <Checkbox.Group
          label={t('token.limitTo')}
          description={t('token.limitToHelp')}
          value={limited}
          onChange={setLimited}
        >
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing={6} mt={6}>
            {permissions.map((p) => (
              <Checkbox key={p} value={p} label={permissionName(p)} />
            ))}
          </SimpleGrid>
        </Checkbox.Group>
        {error && field !== 'name' && field !== 'expiresInDays' && (
          <Alert color="red" role="alert">
            {errorMessage(error)}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={create.isPending} disabled={!name.trim()} data-testid="create-token">
            {t('token.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
