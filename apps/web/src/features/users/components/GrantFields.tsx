import { NativeSelect, SegmentedControl, SimpleGrid, Stack, TextInput, Input } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { IsoDate, NewGrantInput } from '../../../api/types';
import { useAsOf } from '../../../app/as-of';
import { isUsableDate } from '../../../lib/dates';
import { useAccess } from '../../auth/hooks/use-session';
import { useRoleNames, useRoles } from '../../roles/hooks/use-roles';
import { UnitPicker } from '../../units/components/UnitPicker';

export interface GrantDraft {
  /** Role code; empty: no grant (only where `optional`). */
  role: string;
  wholeOrganization: boolean;
  unitId: number | null;
  /** Empty: from today. */
  from: string;
}

export function blankGrant(wholeOrganization: boolean): GrantDraft {
  return { role: 'viewer', wholeOrganization, unitId: null, from: '' };
}

export function toGrantInput(draft: GrantDraft): NewGrantInput {
  return {
    role: draft.role,
    unitId: draft.wholeOrganization ? null : draft.unitId,
    ...(draft.from ? { from: draft.from } : {}),
  };
}

export interface GrantErrors {
  role?: string;
  unitId?: string;
  from?: string;
}

interface GrantFieldsProps {
  value: GrantDraft;
  onChange: (next: GrantDraft) => void;
  errors?: GrantErrors;
  /** Offers "no role" (creating a user without a grant). */
  optional?: boolean;
  testId: string;
}

/** A role, the subtree it reaches (a unit chosen with the unit picker, or the whole organization), and its first day. */
export function GrantFields({ value, onChange, errors = {}, optional, testId }: GrantFieldsProps) {
  const { t } = useTranslation();
  const { today } = useAsOf();
  const { canEverywhere } = useAccess();
  const roles = useRoles();
  const { roleName } = useRoleNames();
  // Only an organization-wide manager can hand out organization-wide grants; the server says the same.
  const mayGrantEverywhere = canEverywhere('users.manage');
  const set = (patch: Partial<GrantDraft>) => onChange({ ...value, ...patch });
  const pickDate: IsoDate = value.from && isUsableDate(value.from) && value.from > today ? value.from : today;
  const options = (roles.data?.items ?? []).map((r) => ({ value: r.code, label: roleName(r.code, r.name) }));

  return (
    <Stack gap="sm" data-testid={testId}>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <NativeSelect
          label={t('grant.role')}
          value={value.role}
          onChange={(e) => set({ role: e.currentTarget.value })}
          data={optional ? [{ value: '', label: t('grant.noRole') }, ...options] : options}
          error={errors.role}
          data-testid={`${testId}-role`}
        />
        <TextInput
          type="date"
          label={t('grant.from')}
          description={t('grant.fromHelp')}
          value={value.from}
          onChange={(e) => set({ from: e.currentTarget.value })}
          error={errors.from}
          disabled={!value.role}
          data-testid={`${testId}-from`}
        />
      </SimpleGrid>
      {value.role && (
        <>
          {mayGrantEverywhere && (
            <Input.Wrapper label={t('grant.scope')}>
              <SegmentedControl
                display="flex"
                mt={4}
                value={value.wholeOrganization ? 'all' : 'unit'}
                onChange={(v) => set({ wholeOrganization: v === 'all' })}
                data={[
                  { value: 'unit', label: t('grant.oneSubtree') },
                  { value: 'all', label: t('grant.wholeOrganization') },
                ]}
                data-testid={`${testId}-scope`}
              />
            </Input.Wrapper>
          )}
          {!value.wholeOrganization && (
            <UnitPicker
              label={t('grant.unit')}
              description={t('grant.unitHelp')}
              value={value.unitId}
              onChange={(id) => set({ unitId: id })}
              asOf={pickDate}
              error={errors.unitId}
              testId={`${testId}-unit`}
            />
          )}
        </>
      )}
    </Stack>
  );
}
