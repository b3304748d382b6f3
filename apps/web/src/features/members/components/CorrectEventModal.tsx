import { Button, Checkbox, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MemberDetail, MemberEvent } from '../../../api/types';
import { useAsOf } from '../../../app/as-of';
import { formatDate } from '../../../lib/dates';
import { draftFromEvent, EVENT_TYPES, findingsOfError, toEventInput, type EventDraft } from '../event-draft';
import { useCorrectEvent, useReloadMember } from '../hooks/use-members';
import { eventFormFields, EventFields } from './EventFields';
import { FindingAlert, WriteFeedback } from './FindingList';
import { isStale } from './RecordEventModal';

interface CorrectEventModalProps {
  member: MemberDetail;
  /** The event to correct; null: closed. */
  event: MemberEvent | null;
  onClose: () => void;
}

/** Corrects a wrong event: it is kept and marked with the reason, and a replacement (if any) takes its place. */
export function CorrectEventModal({ member, event, onClose }: CorrectEventModalProps) {
  const { t } = useTranslation();
  return (
    <Modal opened={event !== null} onClose={onClose} title={t('correct.title')} size="xl">
      {event && <CorrectEventForm member={member} event={event} onClose={onClose} />}
    </Modal>
  );
}

function CorrectEventForm({
  member,
  event,
  onClose,
}: {
  member: MemberDetail;
  event: MemberEvent;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { asOf } = useAsOf();
  const [reason, setReason] = useState('');
  const [replace, setReplace] = useState(true);
  const [draft, setDraft] = useState<EventDraft>(() => draftFromEvent(event));
  const correct = useCorrectEvent(member.id);
  const reload = useReloadMember();
  const stale = isStale(correct.error);
  const findings = stale ? [] : findingsOfError(correct.error);
  const fields = eventFormFields(draft, true);
  const replacement = replace ? toEventInput(draft) : null;
  const reasonError = findings.filter((f) => f.field === 'reason');
  const unplaced = findings.filter((f) => f.field !== 'reason' && !(replace && fields.has(f.field)));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    correct.mutate(
      { version: member.version, eventId: event.id, reason: reason.trim(), replacement },
      {
        onSuccess: onClose,
        onError: (error) => {
          if (isStale(error)) void reload();
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate data-testid="correct-event-form">
      <Stack>
        <Text size="sm">
          {t('correct.intro', {
            event: t(`memberEvent.${event.type}`, { defaultValue: event.type }),
            date: formatDate(event.date, i18n.language),
          })}
        </Text>
        <Textarea
          label={t('correct.reason')}
          description={t('correct.reasonHelp')}
          dir="auto"
          required
          autosize
          minRows={2}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={reasonError[0]?.message}
          data-testid="correct-reason"
        />
        <Checkbox
          label={t('correct.replace')}
          checked={replace}
          onChange={(e) => setReplace(e.currentTarget.checked)}
          data-testid="correct-replace"
        />
        {replace && (
          <EventFields
            draft={draft}
            onChange={setDraft}
            types={EVENT_TYPES}
            problems={findings}
            asOf={asOf}
            testId="replacement"
          />
        )}
        <FindingAlert findings={unplaced} kind="problems" testId="correct-problems" />
        <WriteFeedback stale={stale} error={correct.error} explained={findings.length > 0} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            type="submit"
            color="orange"
            loading={correct.isPending}
            disabled={!reason.trim() || (replace && !replacement)}
            data-testid="correct-submit"
          >
            {t('correct.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
