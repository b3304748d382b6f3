import { Divider, NativeSelect, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { IsoDate } from '../../../api/types';
import { isUsableDate } from '../../../lib/dates';
import { UnitPicker } from '../../units/components/UnitPicker';
import {
  CHOICE_DETAILS,
  DATE_DETAILS,
  DETAIL_FIELDS,
  detailApplies,
  UNIT_EVENT_TYPES,
  type DetailField,
  type EventDraft,
  type Finding,
} from '../event-draft';
import { FieldFindings } from './FindingList';

interface EventFieldsProps {
  draft: EventDraft;
  onChange: (draft: EventDraft) => void;
  /** Types offered; a single one is shown but not chosen. */
  types: readonly string[];
  /** Refusals, placed on the field they name. */
  problems: Finding[];
  /** The date the unit search looks at until the event has its own. */
  asOf: IsoDate;
  testId: string;
}

/** The form fields an event names in the UI (not 'type' when it cannot be chosen). */
export function eventFormFields(draft: EventDraft, typeChosen: boolean): Set<string> {
  const fields = new Set(['date', 'decision.number', 'decision.date', 'decision.by', 'note']);
  if (typeChosen) fields.add('type');
  if (UNIT_EVENT_TYPES.has(draft.type)) fields.add('unitId');
  for (const f of DETAIL_FIELDS[draft.type] ?? []) if (detailApplies(draft, f)) fields.add(`details.${f}`);
  return fields;
}

/**
 * The fields of one event: type, date, unit when the type names one, the facts the type needs, the
 * decision that made it, and a note. Every field shows the rules it breaks as its error.
 */
export function EventFields({ draft, onChange, types, problems, asOf, testId }: EventFieldsProps) {
  const { t } = useTranslation();
  const set = (patch: Partial<EventDraft>) => onChange({ ...draft, ...patch });
  const setDetail = (field: DetailField, value: string) =>
    onChange({ ...draft, details: { ...draft.details, [field]: value } });
  const errorOf = (field: string): ReactNode => {
    const found = problems.filter((p) => p.field === field);
    return found.length > 0 ? <FieldFindings findings={found} /> : undefined;
  };
  const details = (DETAIL_FIELDS[draft.type] ?? []).filter((f) => detailApplies(draft, f));
  const pickerDate = isUsableDate(draft.date) ? draft.date : asOf;

  const detailInput = (field: DetailField) => {
    const common = {
      label: t(`eventDetail.${field}`),
      description: t(`eventDetailHelp.${field}`, { defaultValue: '' }) || undefined,
      error: errorOf(`details.${field}`),
      'data-testid': `${testId}-${field}`,
    };
    const choices = CHOICE_DETAILS[field];
    if (choices)
      return (
        <NativeSelect
          key={field}
          {...common}
          value={draft.details[field] ?? ''}
          onChange={(e) => setDetail(field, e.currentTarget.value)}
          data={[
            { value: '', label: t('eventForm.choose') },
            ...choices.map((c) => ({ value: c, label: t(`eventChoice.${field}.${c}`) })),
          ]}
        />
      );
    return (
      <TextInput
        key={field}
        {...common}
        type={DATE_DETAILS.has(field) ? 'date' : 'text'}
        dir={DATE_DETAILS.has(field) ? undefined : 'auto'}
        value={draft.details[field] ?? ''}
        onChange={(e) => setDetail(field, e.currentTarget.value)}
      />
    );
  };

  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {types.length > 1 ? (
          <NativeSelect
            label={t('eventForm.type')}
            value={draft.type}
            onChange={(e) => set({ type: e.currentTarget.value })}
            data={types.map((type) => ({ value: type, label: t(`memberEvent.${type}`) }))}
            error={errorOf('type')}
            data-testid={`${testId}-type`}
          />
        ) : (
          <TextInput label={t('eventForm.type')} value={t(`memberEvent.${draft.type}`)} readOnly />
        )}
        <TextInput
          type="date"
          label={t(`eventDate.${draft.type}`, { defaultValue: t('eventForm.date') })}
          value={draft.date}
          onChange={(e) => set({ date: e.currentTarget.value })}
          required
          error={errorOf('date')}
          data-testid={`${testId}-date`}
        />
      </SimpleGrid>
      {UNIT_EVENT_TYPES.has(draft.type) && (
        <UnitPicker
          label={t(`eventUnit.${draft.type}`, { defaultValue: t('eventForm.unit') })}
          description={t('eventForm.unitHelp')}
          value={draft.unitId}
          onChange={(id) => set({ unitId: id })}
          asOf={pickerDate}
          error={errorOf('unitId')}
          testId={`${testId}-unit`}
        />
      )}
      {details.length > 0 && <SimpleGrid cols={{ base: 1, sm: 2 }}>{details.map(detailInput)}</SimpleGrid>}
      <Divider label={t('eventForm.decision')} labelPosition="left" />
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput
          label={t('decision.number')}
          dir="auto"
          value={draft.decisionNumber}
          onChange={(e) => set({ decisionNumber: e.currentTarget.value })}
          error={errorOf('decision.number')}
          data-testid={`${testId}-decision-number`}
        />
        <TextInput
          type="date"
          label={t('decision.date')}
          value={draft.decisionDate}
          onChange={(e) => set({ decisionDate: e.currentTarget.value })}
          error={errorOf('decision.date')}
          data-testid={`${testId}-decision-date`}
        />
        <TextInput
          label={t('decision.issuedBy')}
          dir="auto"
          value={draft.decisionBy}
          onChange={(e) => set({ decisionBy: e.currentTarget.value })}
          error={errorOf('decision.by')}
          data-testid={`${testId}-decision-by`}
        />
      </SimpleGrid>
      <Textarea
        label={t('decision.note')}
        dir="auto"
        autosize
        minRows={1}
        value={draft.note}
        onChange={(e) => set({ note: e.currentTarget.value })}
        error={errorOf('note')}
        data-testid={`${testId}-note`}
      />
    </Stack>
  );
}
