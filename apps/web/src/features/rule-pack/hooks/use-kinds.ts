import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { IsoDate, RulePackKind } from '../../../api/types';
import { fetchRulePack } from '../api/rule-pack-api';

export interface Kinds {
  kinds: RulePackKind[];
  loading: boolean;
  /** The kind's name in the UI language (English, then the code, as fallbacks). */
  kindName: (code: string) => string;
  kindPlural: (code: string) => string;
  /** Kinds that may stand under a parent of this kind (null: at the top), in force on the date. */
  allowedUnder: (parentKind: string | null, date?: IsoDate) => RulePackKind[];
  /** A group of kinds named in the UI language. */
  groupName: (code: string) => string;
}

function inForce(kind: RulePackKind, date: IsoDate | undefined): boolean {
  if (!date) return true;
  if (kind.validFrom && date < kind.validFrom) return false;
  if (kind.validTo && date >= kind.validTo) return false;
  return true;
}

/** The unit kinds of the rule pack, named in the current language. */
export function useKinds(): Kinds {
  const { i18n } = useTranslation();
  const lang = i18n.language;
  const query = useQuery({
    queryKey: ['rule-pack'],
    queryFn: ({ signal }) => fetchRulePack(signal),
    staleTime: Infinity,
  });
  const kinds = useMemo(() => query.data?.kinds ?? [], [query.data]);
  const byCode = useMemo(() => new Map(kinds.map((k) => [k.code, k])), [kinds]);

  const kindName = useCallback(
    (code: string) => {
      const kind = byCode.get(code);
      return kind ? (kind.names[lang] ?? kind.names.en ?? code) : code;
    },
    [byCode, lang],
  );
  const kindPlural = useCallback(
    (code: string) => {
      const kind = byCode.get(code);
      return kind?.plural ? (kind.plural[lang] ?? kind.plural.en ?? code) : kindName(code);
    },
    [byCode, lang, kindName],
  );
  const allowedUnder = useCallback(
    (parentKind: string | null, date?: IsoDate) =>
      kinds.filter(
        (k) => (parentKind === null ? k.root === true : k.parents.includes(parentKind)) && inForce(k, date),
      ),
    [kinds],
  );
  const groupName = useCallback(
    (code: string) => {
      const group = query.data?.groups?.find((g) => g.code === code);
      return group ? (group.names[lang] ?? group.names.en ?? code) : code;
    },
    [query.data, lang],
  );
  return { kinds, loading: query.isPending, kindName, kindPlural, allowedUnder, groupName };
}
