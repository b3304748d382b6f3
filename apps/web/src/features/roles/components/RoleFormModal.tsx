import { Alert, Button, Checkbox, Group, Modal, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { PERMISSIONS } from '@rollbook/domain';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../../api/client';
import type { Role } from '../../../api/types';
import { useRoleNames, useSaveRole } from '../hooks/use-roles';

interface RoleFormModalProps {
  /** The role to edit; null defines a new one. */
  role: Role | null;
  opened: boolean;
  onClose: () => void;
}

/** Defines or changes an organization role: its code (fixed once made), name, description and permissions. */
export function RoleFormModal({ role, opened, onClose }: RoleFormModalProps) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={role ? t('role.editTitle', { name: role.name }) : t('role.newTitle')}
      size="lg"
    >
      {opened && <RoleForm role={role} onClose={onClose} />}
    </Modal>
  );
}

function RoleForm({ role, onClose }: { role: Role | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { permissionName } = useRoleNames();
  const [code, setCode] = useState(role?.code ?? '');
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [permissions, setPermissions] = useState<string[]>(role?.permissions ?? []);
  const save = useSaveRole(role);
  const error = save.error;
  const conflict = error instanceof ApiError && error.code === 'version_conflict';
  const field = error instanceof ApiError ? error.field : undefined;
  const at = (f: string) => (error && field === f ? errorMessage(error) : undefined);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(
      { code: code.trim(), name: name.trim(), description: description.trim(), permissions },
      { onSuccess: onClose },
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput
          label={t('role.code')}
          description={t('role.codeHelp')}
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          disabled={!!role}
          required
          dir="ltr"
          error={at('code')}
          data-testid="role-code"
        />
        <TextInput
          label={t('role.name')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
          dir="auto"
          error={at('name')}
          data-testid="role-name"
        />
        <Textarea
          label={t('role.description')}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          autosize
          minRows={2}
          dir="auto"
          error={at('description')}
        />
        <Checkbox.Group
          label={t('role.permissions')}
          value={permissions}
          onChange={setPermissions}
          error={at('permissions')}
        >
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing={6} mt={6}>
            {PERMISSIONS.map((p) => (
              <Checkbox key={p} value={p} label={permissionName(p)} data-testid={`role-permission-${p}`} />
            ))}
          </SimpleGrid>
        </Checkbox.Group>
        {error && (conflict || !['code', 'name', 'description', 'permissions'].includes(field ?? '')) && (
          <Alert color={conflict ? 'orange' : 'red'} role="alert" data-testid="role-error">
            {conflict ? t('role.conflict') : errorMessage(error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending} data-testid="role-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
