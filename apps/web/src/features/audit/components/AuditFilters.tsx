import { Button, Card, Group, NativeSelect, SimpleGrid, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AuditFilter } from '../../../api/types';
import { useAsOf } from '../../../app/as-of';
import { UnitPicker } from '../../units/components/UnitPicker';
import { AUDIT_ACTION_GROUPS, AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from '../audit-vocabulary';
import { ActorFilter } from './ActorFilter';
import { DateFilter } from './DateFilter';

interface AuditFiltersProps {
  filter: AuditFilter;
  onChange: (patch: Partial<AuditFilter>) => void;
  onClear: () => void;
}

/** Narrows the trail: a unit's subtree, who acted, what kind of record, which action, between which days. */
export function AuditFilters({ filter, onChange, onClear }: AuditFiltersProps) {
  const { t } = useTranslation();
  const { asOf } = useAsOf();
  const withCurrent = (known: readonly string[], current: string | undefined) =>
    current && !known.includes(current) ? [...known, current] : known;

  return (
    <Card withBorder data-testid="audit-filters">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          <UnitPicker
            label={t('audit.unit')}
            description={t('audit.unitHelp')}
            value={filter.unitId ?? null}
            onChange={(id) => onChange({ unitId: id ?? undefined })}
            asOf={asOf}
            testId="audit-unit"
          />
          <ActorFilter
            key={filter.actorId ?? 0}
            value={filter.actorId}
            onChange={(actorId) => onChange({ actorId })}
          />
          <NativeSelect
            label={t('audit.entityType')}
            value={filter.entityType ?? ''}
            onChange={(e) => onChange({ entityType: e.currentTarget.value || undefined })}
            data={[
              { value: '', label: t('audit.any') },
              ...withCurrent(AUDIT_ENTITY_TYPES, filter.entityType).map((type) => ({
                value: type,
                label: t(`auditEntity.${type}`, { defaultValue: type }),
              })),
            ]}
            data-testid="audit-entity-type"
          />
          <NativeSelect
            label={t('audit.action')}
            value={filter.action ?? ''}
            onChange={(e) => onChange({ action: e.currentTarget.value || undefined })}
            data={[
              { value: '', label: t('audit.any') },
              ...AUDIT_ACTION_GROUPS.map(({ group, actions }) => ({
                group: t(`audit.actionGroup.${group}`),
                items: actions.map((action) => ({
                  value: action,
                  label: t(`auditAction.${action}`, { defaultValue: action }),
                })),
              })),
              // An action from the address that the list does not know (an older or newer server).
              ...(filter.action && !AUDIT_ACTIONS.includes(filter.action)
                ? [
                    {
                      value: filter.action,
                      label: t(`auditAction.${filter.action}`, { defaultValue: filter.action }),
                    },
                  ]
                : []),
            ]}
            data-testid="audit-action"
          />
          <DateFilter
            label={t('audit.from')}
            value={filter.from}
            onChange={(from) => onChange({ from })}
            testId="audit-from"
          />
          <DateFilter
            label={t('audit.to')}
            value={filter.to}
            onChange={(to) => onChange({ to })}
            testId="audit-to"
          />
        </SimpleGrid>
        <Group>
          <Button size="xs" variant="subtle" onClick={onClear} data-testid="audit-clear">
            {t('audit.clear')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
