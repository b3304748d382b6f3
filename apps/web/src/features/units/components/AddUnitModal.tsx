import { Alert, Button, Group, Modal, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../../api/client';
import type { Unit, UnitRef } from '../../../api/types';
import { useAsOf } from '../../../app/as-of';
import { formatDate, isUsableDate } from '../../../lib/dates';
import { useKinds } from '../../rule-pack/hooks/use-kinds';
import { useCreateUnit } from '../hooks/use-units';

interface AddUnitModalProps {
  /** The unit to add under; null adds a unit at the top of the tree. */
  parent: UnitRef | null;
  opened: boolean;
  onClose: () => void;
  onCreated?: (unit: Unit) => void;
}

/**
 * Which form field an API error names. The quick add is a one-operation order, so the server may name
 * "code", "body.code" or "operations.0.code"; all mean the code field here.
 */
function fieldOf(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || !error.field) return undefined;
  return error.field.replace(/^body\./, '').replace(/^operations\.0\./, '');
}

/** Adds one unit: the server records it as a one-operation order with the decision given. */
export function AddUnitModal({ parent, opened, onClose, onCreated }: AddUnitModalProps) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={parent ? t('addUnit.titleUnder', { name: parent.name }) : t('addUnit.titleTop')}
      size="lg"
    >
      {opened && <AddUnitForm parent={parent} onClose={onClose} onCreated={onCreated} />}
    </Modal>
  );
}

function AddUnitForm({ parent, onClose, onCreated }: Omit<AddUnitModalProps, 'opened'>) {
  const { t, i18n } = useTranslation();
  const { asOf } = useAsOf();
  const { allowedUnder, kindName } = useKinds();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [effectiveDate, setEffectiveDate] = useState(asOf);
  const allowed = allowedUnder(
    parent ? parent.kind : null,
    isUsableDate(effectiveDate) ? effectiveDate : undefined,
  );
  const [kindChoice, setKind] = useState('');
  const kind = allowed.some((k) => k.code === kindChoice) ? kindChoice : (allowed[0]?.code ?? '');
  const [decisionNumber, setDecisionNumber] = useState('');
  const [created, setCreated] = useState<Unit | null>(null);
  const mutation = useCreateUnit();
  const field = fieldOf(mutation.error);
  const at = (name: string) => (field === name ? errorMessage(mutation.error) : undefined);
  const general =
    mutation.error && !['code', 'name', 'kind', 'effectiveDate', 'decision.number'].includes(field ?? '');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate(
      {
        code: code.trim(),
        name: name.trim(),
        kind,
        parentId: parent ? parent.id : null,
        effectiveDate,
        decision: decisionNumber.trim() ? { number: decisionNumber.trim() } : undefined,
      },
      {
        onSuccess: ({ unit }) => {
          setCreated(unit);
          onCreated?.(unit);
          if (unit.validFrom <= asOf) onClose();
        },
      },
    );
  };

  if (created) {
    // Only reached when the unit starts after the date being viewed, so it is not in the tree yet.
    return (
      <Stack>
        <Alert color="teal" data-testid="add-unit-later">
          {t('addUnit.createdLater', {
            name: created.name,
            date: formatDate(created.validFrom, i18n.language),
          })}
        </Alert>
        <Group justify="flex-end">
          <Button onClick={onClose}>{t('common.close')}</Button>
        </Group>
      </Stack>
    );
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {allowed.length === 0 && (
          <Alert color="yellow">
            {parent ? t('addUnit.noKindsUnder', { kind: kindName(parent.kind) }) : t('addUnit.noRootKinds')}
          </Alert>
        )}
        <TextInput
          label={t('unit.code')}
          dir="auto"
          description={t('addUnit.codeHelp')}
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          required
          data-autofocus
          error={at('code')}
        />
        <TextInput
          label={t('unit.name')}
          dir="auto"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
          error={at('name')}
        />
        <NativeSelect
          label={t('unit.kind')}
          description={parent ? t('addUnit.kindHelp', { kind: kindName(parent.kind) }) : undefined}
          value={kind}
          onChange={(e) => setKind(e.currentTarget.value)}
          data={allowed.map((k) => ({ value: k.code, label: kindName(k.code) }))}
          required
          error={at('kind')}
        />
        <TextInput
          type="date"
          label={t('addUnit.effectiveDate')}
          description={t('addUnit.effectiveDateHelp')}
          value={effectiveDate}
          onChange={(e) => setEffectiveDate(e.currentTarget.value)}
          required
          error={at('effectiveDate')}
        />
        <TextInput
          label={t('decision.number')}
          description={t('addUnit.decisionHelp')}
          value={decisionNumber}
          onChange={(e) => setDecisionNumber(e.currentTarget.value)}
          error={at('decision.number')}
        />
        {general && (
          <Alert color="red" role="alert" data-testid="form-error">
            <Text size="sm">{errorMessage(mutation.error)}</Text>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={mutation.isPending} disabled={!kind}>
            {t('addUnit.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
