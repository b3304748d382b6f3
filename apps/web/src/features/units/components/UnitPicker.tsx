import {
  Badge,
  Button,
  Code,
  Group,
  Input,
  Loader,
  Paper,
  Stack,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import type { IsoDate, Unit } from '../../../api/types';
import { formatDate } from '../../../lib/dates';
import { useKinds } from '../../rule-pack/hooks/use-kinds';
import { useUnit, useUnitSearch } from '../hooks/use-units';

interface UnitPickerProps {
  label: string;
  description?: string;
  value: number | null;
  onChange: (id: number | null, unit?: Unit) => void;
  /** The date the search looks at: an order's effective date. */
  asOf: IsoDate;
  error?: ReactNode;
  disabled?: boolean;
  /** Names the picker for tests and screen readers. */
  testId?: string;
}

/** Picks one unit by searching its name or code as of a date; the choice shows as code, name and kind. */
export function UnitPicker({
  label,
  description,
  value,
  onChange,
  asOf,
  error,
  disabled,
  testId,
}: UnitPickerProps) {
  const { t, i18n } = useTranslation();
  const { kindName } = useKinds();
  const id = useId();
  const [text, setText] = useState('');
  const [debounced] = useDebouncedValue(text, 250);
  const search = useUnitSearch(value === null ? debounced : '', asOf);
  const chosen = useUnit(value, asOf);

  if (value !== null) {
    const unit = chosen.data ? (chosen.data.unit ?? chosen.data.lastKnown) : null;
    return (
      <Input.Wrapper label={label} description={description} error={error} data-testid={testId}>
        <Group gap={6} wrap="nowrap" mt={4}>
          {chosen.isPending && <Loader size="xs" />}
          {chosen.isError && <Text c="red">{errorMessage(chosen.error)}</Text>}
          {unit && (
            <>
              <Code>{unit.code}</Code>
              <Text size="sm" fw={500} data-testid={testId ? `${testId}-chosen` : undefined}>
                {unit.name}
              </Text>
              <Badge variant="light" color="gray" size="sm" style={{ textTransform: 'none' }}>
                {kindName(unit.kind)}
              </Badge>
              {chosen.data && !chosen.data.liveOnDate && (
                <Badge color="yellow" size="sm" style={{ textTransform: 'none' }}>
                  {t('picker.notLive')}
                </Badge>
              )}
            </>
          )}
          {!disabled && (
            <Button
              size="compact-xs"
              variant="subtle"
              onClick={() => {
                setText('');
                onChange(null);
              }}
              aria-label={t('picker.changeLabel', { label })}
            >
              {t('picker.change')}
            </Button>
          )}
        </Group>
      </Input.Wrapper>
    );
  }

  const items = search.data?.items ?? [];
  return (
    <Stack gap={4} data-testid={testId}>
      <TextInput
        label={label}
        description={description ?? t('picker.help')}
        placeholder={t('picker.placeholder')}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        error={error}
        disabled={disabled}
        aria-controls={`${id}-results`}
        rightSection={search.isFetching ? <Loader size="xs" /> : null}
        data-testid={testId ? `${testId}-search` : undefined}
      />
      {debounced.trim() && (
        <Paper
          withBorder
          p={4}
          id={`${id}-results`}
          role="listbox"
          aria-label={t('picker.results', { label })}
        >
          {search.data && items.length === 0 && (
            <Text size="sm" c="dimmed" p={4}>
              {t('picker.none', { date: formatDate(asOf, i18n.language) })}
            </Text>
          )}
          {items.map((unit) => (
            <UnstyledButton
              key={unit.id}
              role="option"
              aria-selected={false}
              onClick={() => onChange(unit.id, unit)}
              className="rb-tree-row"
              display="block"
              w="100%"
              p={4}
              data-testid={`pick-${unit.code}`}
            >
              <Group gap={6} wrap="nowrap">
                <Code>{unit.code}</Code>
                <Text size="sm">{unit.name}</Text>
                <Badge variant="light" color="gray" size="sm" style={{ textTransform: 'none' }}>
                  {kindName(unit.kind)}
                </Badge>
              </Group>
            </UnstyledButton>
          ))}
        </Paper>
      )}
    </Stack>
  );
}
