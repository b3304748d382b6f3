import { Button, Group, Modal, Radio, Stack, TextInput } from '@mantine/core';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MemberDetail } from '../../../api/types';
import { useAsOf } from '../../../app/as-of';
import { isUsableDate } from '../../../lib/dates';
import { useMemberPack } from '../../rule-pack/hooks/use-member-pack';
import { findingsOfError } from '../event-draft';
import { useChangeRecord, useReloadMember } from '../hooks/use-members';
import { recordChangesOf, recordDraftOf, type RecordDraft } from '../record-draft';
import { FieldFindings, FindingAlert, WriteFeedback } from './FindingList';
import { RecordFields } from './RecordFields';
import { isStale } from './RecordEventModal';

interface ChangeRecordModalProps {
  member: MemberDetail;
  opened: boolean;
  onClose: () => void;
}

/**
 * Changes the record from a date on (a new name after marriage; the old one stays true before), or
 * corrects what was wrongly written (the register still shows what it said).
 */
export function ChangeRecordModal({ member, opened, onClose }: ChangeRecordModalProps) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('recordChange.title')} size="xl">
      {opened && <ChangeRecordForm member={member} onClose={onClose} />}
    </Modal>
  );
}

function ChangeRecordForm({ member, onClose }: { member: MemberDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const { asOf, today } = useAsOf();
  const pack = useMemberPack();
  const original = useMemo(() => recordDraftOf(member.record), [member.record]);
  const [draft, setDraft] = useState<RecordDraft>(original);
  const [mode, setMode] = useState<'dated' | 'correction'>('dated');
  const [effectiveFrom, setEffectiveFrom] = useState<string>(asOf < today ? asOf : today);
  const change = useChangeRecord(member.id);
  const reload = useReloadMember();
  const stale = isStale(change.error);
  const findings = stale ? [] : findingsOfError(change.error);
  const customTypes = Object.fromEntries(pack.customFields.map((f) => [f.code, f.type]));
  const fields = recordChangesOf(draft, original, customTypes);
  const nothing = Object.keys(fields).length === 0;
  const recordField = (f: string) => f.replace(/^(record|fields)\./, '');
  const placed = (f: { field: string }) => /^(record|fields)\./.test(f.field) || f.field === 'effectiveFrom';
  const dateError = findings.filter((f) => f.field === 'effectiveFrom');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    change.mutate(
      {
        version: member.version,
        change: mode === 'correction' ? { correction: true, fields } : { effectiveFrom, fields },
      },
      {
        onSuccess: onClose,
        onError: (error) => {
          if (isStale(error)) void reload();
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate data-testid="change-record-form">
      <Stack>
        <Radio.Group
          label={t('recordChange.mode')}
          value={mode}
          onChange={(v) => setMode(v as 'dated' | 'correction')}
        >
          <Stack gap={6} mt={6}>
            <Radio value="dated" label={t('recordChange.dated')} data-testid="record-mode-dated" />
            <Radio
              value="correction"
              label={t('recordChange.correction')}
              data-testid="record-mode-correction"
            />
          </Stack>
        </Radio.Group>
        {mode === 'dated' && (
          <TextInput
            type="date"
            label={t('recordChange.effectiveFrom')}
            value={effectiveFrom}
            onChange={(e) => setEffectiveFrom(e.currentTarget.value)}
            required
            error={dateError.length ? <FieldFindings findings={dateError} /> : undefined}
            data-testid="record-effective-from"
          />
        )}
        <RecordFields
          draft={draft}
          onChange={setDraft}
          sensitive={member.sensitiveShown}
          errorOf={(field) => {
            const found = findings.filter((f) => recordField(f.field) === field && placed(f));
            return found.length ? <FieldFindings findings={found} /> : undefined;
          }}
          testId="record"
        />
        <FindingAlert findings={findings.filter((f) => !placed(f))} kind="problems" />
        <WriteFeedback stale={stale} error={change.error} explained={findings.length > 0} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            type="submit"
            loading={change.isPending}
            disabled={nothing || (mode === 'dated' && !isUsableDate(effectiveFrom))}
            data-testid="record-submit"
          >
            {t('recordChange.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
