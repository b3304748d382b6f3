import { Button, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api/client';
import type { MemberDetail, MemberEventInput, RuleFinding } from '../../../api/types';
import { useAsOf } from '../../../app/as-of';
import {
  blankDraft,
  EVENT_TYPES,
  findingsOfCheck,
  findingsOfError,
  toEventInput,
  type EventDraft,
} from '../event-draft';
import { useEventCheck, useRecordEvent, useReloadMember } from '../hooks/use-members';
import { eventFormFields, EventFields } from './EventFields';
import { FindingAlert, WriteFeedback } from './FindingList';

/** The event that usually comes next for a member in this status (the user may choose any). */
const NEXT_EVENT: Record<string, string> = {
  applicant: 'admission',
  admitted: 'ceremony',
  probationary: 'recognition',
  official: 'transfer_out',
  left: 'readmission',
};

interface RecordEventModalProps {
  member: MemberDetail;
  opened: boolean;
  onClose: () => void;
  onRecorded: (warnings: RuleFinding[]) => void;
}

/** Records one lifecycle event; the server checks it as the user types, and again when it is sent. */
export function RecordEventModal({ member, opened, onClose, onRecorded }: RecordEventModalProps) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('eventForm.title')} size="xl">
      {opened && <RecordEventForm member={member} onClose={onClose} onRecorded={onRecorded} />}
    </Modal>
  );
}

/** True when a write was refused because the member changed since it was read. */
export function isStale(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 412 || error.code === 'version_conflict');
}

function RecordEventForm({ member, onClose, onRecorded }: Omit<RecordEventModalProps, 'opened'>) {
  const { t } = useTranslation();
  const { asOf, today } = useAsOf();
  const [draft, setDraft] = useState<EventDraft>(() =>
    blankDraft(NEXT_EVENT[member.state?.status ?? ''] ?? 'admission', asOf < today ? asOf : today),
  );
  const input = toEventInput(draft);
  // Ask the server only once the user pauses typing.
  const [debounced] = useDebouncedValue(input ? JSON.stringify(input) : '', 400);
  const checked = useMemo(
    () => (debounced ? (JSON.parse(debounced) as MemberEventInput) : null),
    [debounced],
  );
  const check = useEventCheck(member.id, checked);
  const record = useRecordEvent(member.id);
  const reload = useReloadMember();
  const stale = isStale(record.error);

  const fromCheck = findingsOfCheck(check.data);
  // A refused check (a field the schema rejects) names its field like a refused write.
  const checkError = findingsOfError(check.error);
  const fromSubmit = stale ? [] : findingsOfError(record.error);
  const problems = record.error ? fromSubmit : [...fromCheck.problems, ...checkError];
  const fields = eventFormFields(draft, true);
  const unplaced = problems.filter((p) => !fields.has(p.field));

  const change = (next: EventDraft) => {
    setDraft(next);
    if (record.error) record.reset();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!input) return;
    record.mutate(
      { version: member.version, input },
      {
        onSuccess: (result) => {
          onRecorded(result.warnings);
          onClose();
        },
        onError: (error) => {
          // Someone else wrote first: read the member again so the next try carries their version.
          if (isStale(error)) void reload();
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate data-testid="record-event-form">
      <Stack>
        <EventFields
          draft={draft}
          onChange={change}
          types={EVENT_TYPES}
          problems={problems}
          asOf={asOf}
          testId="event"
        />
        <Group gap="xs" mih={20} data-testid="event-check-state">
          {check.isFetching && <Loader size="xs" />}
          {check.isFetching && (
            <Text size="xs" c="dimmed">
              {t('eventForm.checking')}
            </Text>
          )}
          {!check.isFetching && check.data?.ok && !record.error && input && (
            <Text size="xs" c="teal" data-testid="event-check-ok">
              {t('eventForm.checkOk')}
            </Text>
          )}
        </Group>
        <FindingAlert findings={unplaced} kind="problems" testId="event-problems" />
        <FindingAlert findings={fromCheck.warnings} kind="warnings" testId="event-warnings" />
        <WriteFeedback
          stale={stale}
          error={record.error}
          explained={fromSubmit.length > 0}
          testId="event-stale"
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={record.isPending} disabled={!input} data-testid="event-submit">
            {t('eventForm.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
