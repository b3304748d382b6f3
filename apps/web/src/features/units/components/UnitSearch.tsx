import { Badge, Code, Group, Loader, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import { AppLink } from '../../../app/AppLink';
import { useAsOf } from '../../../app/as-of';
import { useKinds } from '../../rule-pack/hooks/use-kinds';
import { useUnitSearch } from '../hooks/use-units';

/** Finds units by name or code (case and diacritics ignored) as of the chosen date. */
export function UnitSearch() {
  const { t } = useTranslation();
  const { asOf } = useAsOf();
  const { kindName } = useKinds();
  const [text, setText] = useState('');
  const [debounced] = useDebouncedValue(text, 250);
  const search = useUnitSearch(debounced, asOf);
  const active = debounced.trim().length > 0;

  return (
    <Stack gap="xs">
      <TextInput
        type="search"
        label={t('search.label')}
        placeholder={t('search.placeholder')}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        rightSection={search.isFetching ? <Loader size="xs" /> : null}
        data-testid="unit-search"
      />
      {active && (
        <Paper withBorder p="xs" aria-live="polite" data-testid="search-results">
          {search.isError && <Text c="red">{errorMessage(search.error)}</Text>}
          {search.data && search.data.items.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('search.none', { text: debounced.trim() })}
            </Text>
          )}
          {search.data && search.data.items.length > 0 && (
            <Stack gap={4} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
              {search.data.items.map((unit) => (
                <li key={unit.id}>
                  <Group gap={6} wrap="nowrap">
                    <Code>{unit.code}</Code>
                    <AppLink to={`/units/${unit.id}`}>{unit.name}</AppLink>
                    <Badge variant="light" color="gray" size="sm" style={{ textTransform: 'none' }}>
                      {kindName(unit.kind)}
                    </Badge>
                  </Group>
                </li>
              ))}
            </Stack>
          )}
        </Paper>
      )}
    </Stack>
  );
}
