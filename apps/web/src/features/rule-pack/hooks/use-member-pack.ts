import type { CustomFieldDefinition, LocalizedText } from '@rollbook/domain';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchRulePack } from '../api/rule-pack-api';

export type VocabularyName = 'sex' | 'ethnicity' | 'religion' | 'education';

export interface MemberPackView {
  loading: boolean;
  /** A vocabulary's entries as select options named in the UI language (empty: the pack defines none). */
  options: (name: VocabularyName) => { value: string; label: string }[];
  /** A vocabulary code named in the UI language (the code itself when the pack does not know it). */
  term: (name: VocabularyName, code: string | null | undefined) => string;
  customFields: CustomFieldDefinition[];
  customFieldName: (code: string) => string;
  /** The unit kinds members belong to (cells). */
  memberUnitKinds: string[];
}

function localized(names: LocalizedText | undefined, lang: string, fallback: string): string {
  return names ? (names[lang] ?? names.en ?? fallback) : fallback;
}

/** The member section of the rule pack: vocabularies, custom fields and member unit kinds, named in the UI language. */
export function useMemberPack(): MemberPackView {
  const { i18n } = useTranslation();
  const lang = i18n.language;
  const query = useQuery({
    queryKey: ['rule-pack'],
    queryFn: ({ signal }) => fetchRulePack(signal),
    staleTime: Infinity,
  });
  const members = query.data?.members;
  const options = useCallback(
    (name: VocabularyName) =>
      [...(members?.vocabularies[name] ?? [])]
        .sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0))
        .map((e) => ({ value: e.code, label: localized(e.names, lang, e.code) })),
    [members, lang],
  );
  const term = useCallback(
    (name: VocabularyName, code: string | null | undefined) => {
      if (!code) return '';
      const entry = members?.vocabularies[name]?.find((e) => e.code === code);
      return localized(entry?.names, lang, code);
    },
    [members, lang],
  );
  const customFields = useMemo(() => members?.customFields ?? [], [members]);
  const customFieldName = useCallback(
    (code: string) => localized(customFields.find((f) => f.code === code)?.names, lang, code),
    [customFields, lang],
  );
  return {
    loading: query.isPending,
    options,
    term,
    customFields,
    customFieldName,
    memberUnitKinds: members?.memberUnitKinds ?? [],
  };
}
