import { NativeSelect, SimpleGrid, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useMemberPack } from '../../rule-pack/hooks/use-member-pack';
import {
  RECORD_FIELDS,
  SENSITIVE_FIELDS,
  VOCABULARY_FIELDS,
  type RecordDraft,
  type RecordField,
  type VocabularyField,
} from '../record-draft';

interface RecordFieldsProps {
  draft: RecordDraft;
  onChange: (draft: RecordDraft) => void;
  /** Errors by field: `fullName`, `custom.trade`… */
  errorOf: (field: string) => ReactNode;
  /** Show national ID, ethnicity and religion (the writer holds members.sensitive). */
  sensitive: boolean;
  testId: string;
}

const LTR_FIELDS: ReadonlySet<string> = new Set(['nationalId', 'phone', 'email']);

/** The member record: names, birth, origins, vocabularies of the rule pack, contact, and the pack's own fields. */
export function RecordFields({ draft, onChange, errorOf, sensitive, testId }: RecordFieldsProps) {
  const { t } = useTranslation();
  const pack = useMemberPack();
  const set = (field: RecordField, value: string) =>
    onChange({ ...draft, fields: { ...draft.fields, [field]: value } });
  const setCustom = (code: string, value: string) =>
    onChange({ ...draft, custom: { ...draft.custom, [code]: value } });

  const input = (field: RecordField) => {
    const common = {
      label: t(`memberField.${field}`),
      error: errorOf(field),
      'data-testid': `${testId}-${field}`,
    };
    if ((VOCABULARY_FIELDS as readonly string[]).includes(field)) {
      const options = pack.options(field as VocabularyField);
      if (options.length > 0)
        return (
          <NativeSelect
            key={field}
            {...common}
            value={draft.fields[field]}
            onChange={(e) => set(field, e.currentTarget.value)}
            data={[{ value: '', label: t('memberForm.notGiven') }, ...options]}
          />
        );
    }
    return (
      <TextInput
        key={field}
        {...common}
        type={field === 'birthDate' ? 'date' : field === 'email' ? 'email' : 'text'}
        dir={field === 'birthDate' ? undefined : LTR_FIELDS.has(field) ? 'ltr' : 'auto'}
        required={field === 'fullName'}
        data-autofocus={field === 'fullName' || undefined}
        value={draft.fields[field]}
        onChange={(e) => set(field, e.currentTarget.value)}
      />
    );
  };

  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }}>
      {RECORD_FIELDS.filter((f) => sensitive || !SENSITIVE_FIELDS.has(f)).map(input)}
      {pack.customFields.map((f) => {
        const common = {
          label: pack.customFieldName(f.code),
          required: f.required,
          error: errorOf(`custom.${f.code}`),
          'data-testid': `${testId}-custom-${f.code}`,
          value: draft.custom[f.code] ?? '',
        };
        return f.type === 'choice' ? (
          <NativeSelect
            key={f.code}
            {...common}
            onChange={(e) => setCustom(f.code, e.currentTarget.value)}
            data={[{ value: '', label: t('memberForm.notGiven') }, ...(f.choices ?? [])]}
          />
        ) : (
          <TextInput
            key={f.code}
            {...common}
            type={f.type === 'date' ? 'date' : f.type === 'number' ? 'number' : 'text'}
            dir={f.type === 'text' ? 'auto' : undefined}
            onChange={(e) => setCustom(f.code, e.currentTarget.value)}
          />
        );
      })}
    </SimpleGrid>
  );
}
