import { Select, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAccess } from '../../auth/hooks/use-session';
import { useUser, useUserSearch } from '../../users/hooks/use-users';

interface ActorFilterProps {
  value: number | undefined;
  onChange: (id: number | undefined) => void;
}

/** Who acted: picked from the users the reader manages, or typed as a user number by anyone else. */
export function ActorFilter(props: ActorFilterProps) {
  const { can } = useAccess();
  return can('users.manage') ? <ActorSelect {...props} /> : <ActorIdInput {...props} />;
}

function ActorSelect({ value, onChange }: ActorFilterProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const users = useUserSearch(q);
  const chosen = useUser(value ?? 0);
  const options = new Map<string, string>();
  if (chosen.data)
    options.set(String(chosen.data.id), `${chosen.data.displayName} (${chosen.data.username})`);
  for (const u of users.data?.items ?? []) options.set(String(u.id), `${u.displayName} (${u.username})`);
  return (
    <Select
      label={t('audit.actor')}
      placeholder={t('audit.anyone')}
      searchable
      clearable
      value={value ? String(value) : null}
      onChange={(v) => onChange(v ? Number(v) : undefined)}
      searchValue={search}
      onSearchChange={setSearch}
      // The server searched already; show what it found.
      filter={({ options: all }) => all}
      data={[...options].map(([v, label]) => ({ value: v, label }))}
      nothingFoundMessage={t('users.none')}
      data-testid="audit-actor"
    />
  );
}

function ActorIdInput({ value, onChange }: ActorFilterProps) {
  const { t } = useTranslation();
  const [text, setText] = useState(value ? String(value) : '');
  const commit = () => {
    const n = Number(text);
    onChange(Number.isInteger(n) && n > 0 ? n : undefined);
  };
  return (
    <TextInput
      label={t('audit.actorId')}
      inputMode="numeric"
      placeholder={t('audit.anyone')}
      value={text}
      onChange={(e) => setText(e.currentTarget.value.replace(/\D/g, ''))}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
      data-testid="audit-actor-id"
    />
  );
}
