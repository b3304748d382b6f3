import { Alert, Button, Divider, Group, Modal, Stack, Text } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { errorMessage } from '../../../api/client';
import { useAsOf } from '../../../app/as-of';
import { useAccess } from '../../auth/hooks/use-session';
import { useMemberPack } from '../../rule-pack/hooks/use-member-pack';
import { blankDraft, findingsOfError, toEventInput, type EventDraft } from '../event-draft';
import { useCreateMember } from '../hooks/use-members';
import { recordDraftOf, recordInputOf, type RecordDraft } from '../record-draft';
import { eventFormFields, EventFields } from './EventFields';
import { FieldFindings, FindingAlert } from './FindingList';
import { RecordFields } from './RecordFields';

const FIRST_EVENTS = ['application', 'admission'] as const;

/** A new member: the record and the first event (an application, or an admission for a historical record). */
export function AddMemberModal({
  opened,
  onClose,
  unitId,
}: {
  opened: boolean;
  onClose: () => void;
  /** The unit the list is filtered by: the likely cell. */
  unitId?: number;
}) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('memberForm.newTitle')} size="xl">
      {opened && <AddMemberForm onClose={onClose} unitId={unitId} />}
    </Modal>
  );
}

function AddMemberForm({ onClose, unitId }: { onClose: () => void; unitId?: number }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { asOf, withAsOf } = useAsOf();
  const { can } = useAccess();
  const pack = useMemberPack();
  const [record, setRecord] = useState<RecordDraft>(() => recordDraftOf());
  const [event, setEvent] = useState<EventDraft>(() => ({
    ...blankDraft('application', asOf),
    unitId: unitId ?? null,
  }));
  const create = useCreateMember();
  const findings = findingsOfError(create.error);
  const recordFindings = findings.filter((f) => f.field.startsWith('record.'));
  const eventFindings = findings.filter((f) => !f.field.startsWith('record.'));
  const eventFields = eventFormFields(event, true);
  const placedOnRecord = (f: { field: string }) => f.field.startsWith('record.');
  const general = findings.filter((f) => !placedOnRecord(f) && !eventFields.has(f.field));
  const input = toEventInput(event);
  const customTypes = Object.fromEntries(pack.customFields.map((f) => [f.code, f.type]));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!input) return;
    create.mutate(
      { record: recordInputOf(record, customTypes), event: input },
      {
        onSuccess: (result) => {
          onClose();
          navigate(withAsOf(`/members/${result.member.id}`, input.date), {
            state: { warnings: result.warnings },
          });
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate data-testid="add-member-form">
      <Stack>
        <RecordFields
          draft={record}
          onChange={setRecord}
          sensitive={can('members.sensitive')}
          errorOf={(field) => {
            const found = recordFindings.filter((f) => f.field === `record.${field}`);
            return found.length ? <FieldFindings findings={found} /> : undefined;
          }}
          testId="member"
        />
        <Divider label={t('memberForm.firstEvent')} labelPosition="left" />
        <Text size="sm" c="dimmed">
          {t('memberForm.firstEventHelp')}
        </Text>
        <EventFields
          draft={event}
          onChange={setEvent}
          types={FIRST_EVENTS}
          problems={eventFindings}
          asOf={asOf}
          testId="first-event"
        />
        {general.length > 0 && <FindingAlert findings={general} kind="problems" testId="add-member-error" />}
        {create.error && findings.length === 0 && (
          <Alert color="red" role="alert" data-testid="add-member-error">
            {errorMessage(create.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            type="submit"
            loading={create.isPending}
            disabled={!record.fields.fullName.trim() || !input}
            data-testid="add-member-submit"
          >
            {t('memberForm.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
