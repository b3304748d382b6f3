import {
  Alert,
  Button,
  Divider,
  Group,
  Modal,
  PasswordInput,
  SimpleGrid,
  Stack,
  TextInput,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError, errorMessage } from '../../../api/client';
import { useAsOf } from '../../../app/as-of';
import { useAccess } from '../../auth/hooks/use-session';
import { useCreateUser } from '../hooks/use-users';
import { blankGrant, GrantFields, toGrantInput, type GrantDraft } from './GrantFields';

/** The field of this form an API error names: `grants/0/unitId` (or `grants.0.unitId`) is the grant's unit. */
function fieldOf(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || !error.field) return undefined;
  return error.field
    .replace(/^body[./]/, '')
    .replace(/^grants[./]0[./]/, 'grant.')
    .replace(/^\//, '');
}

const FIELDS = ['username', 'displayName', 'email', 'password', 'grant.role', 'grant.unitId', 'grant.from'];

/** A new user: sign-in name, display name, optional email and password, and a first grant. */
export function CreateUserModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('users.newTitle')} size="lg">
      {opened && <CreateUserForm onClose={onClose} />}
    </Modal>
  );
}

function CreateUserForm({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { withAsOf } = useAsOf();
  const { canEverywhere } = useAccess();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [grant, setGrant] = useState<GrantDraft>(() => blankGrant(false));
  const [unitMissing, setUnitMissing] = useState(false);
  const create = useCreateUser();
  const field = fieldOf(create.error);
  const at = (name: string) => (create.error && field === name ? errorMessage(create.error) : undefined);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (grant.role && !grant.wholeOrganization && grant.unitId === null) {
      setUnitMissing(true);
      return;
    }
    setUnitMissing(false);
    create.mutate(
      {
        username: username.trim(),
        displayName: displayName.trim(),
        email: email.trim() || null,
        password: password || null,
        grants: grant.role ? [toGrantInput(grant)] : [],
      },
      {
        onSuccess: (user) => {
          onClose();
          navigate(withAsOf(`/users/${user.id}`));
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate data-testid="create-user">
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t('user.username')}
            description={t('user.usernameHelp')}
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            required
            data-autofocus
            dir="ltr"
            error={at('username')}
            data-testid="user-username"
          />
          <TextInput
            label={t('user.displayName')}
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
            required
            dir="auto"
            error={at('displayName')}
            data-testid="user-display-name"
          />
          <TextInput
            type="email"
            label={t('user.email')}
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            dir="ltr"
            error={at('email')}
            data-testid="user-email"
          />
          <PasswordInput
            label={t('user.password')}
            description={t('users.passwordHelp')}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={at('password')}
            data-testid="user-password"
          />
        </SimpleGrid>
        <Divider label={t('users.firstGrant')} labelPosition="left" />
        <GrantFields
          value={grant}
          onChange={setGrant}
          optional
          errors={{
            role: at('grant.role'),
            unitId: unitMissing ? t('grant.chooseUnit') : at('grant.unitId'),
            from: at('grant.from'),
          }}
          testId="user-grant"
        />
        {canEverywhere('users.manage') ? null : (
          <Alert color="blue" variant="light">
            {t('users.scopedNote')}
          </Alert>
        )}
        {create.error && !FIELDS.includes(field ?? '') && (
          <Alert color="red" role="alert" data-testid="create-user-error">
            {errorMessage(create.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            type="submit"
            loading={create.isPending}
            disabled={!username.trim() || !displayName.trim()}
            data-testid="create-user-submit"
          >
            {t('users.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
