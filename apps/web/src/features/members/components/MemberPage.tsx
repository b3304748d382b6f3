import { Alert, Breadcrumbs, Button, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useParams } from 'react-router';
import { ApiError, errorMessage } from '../../../api/client';
import type { MemberEvent, RuleFinding } from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { useAsOf } from '../../../app/as-of';
import { useAccess } from '../../auth/hooks/use-session';
import { useMember } from '../hooks/use-members';
import { ChangeRecordModal } from './ChangeRecordModal';
import { CorrectEventModal } from './CorrectEventModal';
import { FindingAlert } from './FindingList';
import { MemberCardsCard } from './MemberCardsCard';
import { MemberRecordCard } from './MemberRecordCard';
import { MemberStateCard } from './MemberStateCard';
import { MemberStatusBadge } from './MemberStatusBadge';
import { MemberTimeline } from './MemberTimeline';
import { RecordEventModal } from './RecordEventModal';
import { RecordHistoryPanel } from './RecordHistoryPanel';

/** /members/:id: one member as of the chosen date — record, derived state, timeline and record history. */
export function MemberPage() {
  const id = Number(useParams().id);
  // Keyed by member: nothing of the previous member (timeline, open forms) stays while the next loads.
  return <MemberView key={id} id={id} />;
}

function MemberView({ id }: { id: number }) {
  const { t } = useTranslation();
  const { asOf } = useAsOf();
  const { can } = useAccess();
  const location = useLocation();
  const member = useMember(id, asOf);
  const [recording, setRecording] = useState(false);
  const [changing, setChanging] = useState(false);
  const [correcting, setCorrecting] = useState<MemberEvent | null>(null);
  // Notes the last write earned (a late review…): allowed, but the user should know.
  const [notes, setNotes] = useState<RuleFinding[]>(
    () => (location.state as { warnings?: RuleFinding[] } | null)?.warnings ?? [],
  );

  if (!Number.isInteger(id) || id <= 0) return <Alert color="red">{t('memberPage.badId')}</Alert>;
  if (member.isPending)
    return (
      <Group>
        <Loader size="sm" />
        <Text>{t('common.loading')}</Text>
      </Group>
    );
  if (!member.data) {
    const notFound = member.error instanceof ApiError && member.error.status === 404;
    return (
      <Alert color="red" role="alert" title={notFound ? t('memberPage.notFound') : t('common.failed')}>
        {errorMessage(member.error)}
      </Alert>
    );
  }
  const data = member.data;
  const mayWrite = can('members.write');
  return (
    <Stack gap="lg">
      <Breadcrumbs separator="›" aria-label={t('memberPage.breadcrumb')}>
        <AppLink to="/members">{t('nav.members')}</AppLink>
        {data.unit && <AppLink to={`/members?unit=${data.unit.id}`}>{data.unit.name}</AppLink>}
        <Text span size="sm" aria-current="page">
          <bdi>{data.record.fullName}</bdi>
        </Text>
      </Breadcrumbs>
      <Group justify="space-between" align="center">
        <Group gap="sm" align="center">
          <Title order={2} data-testid="member-name">
            <bdi>{data.record.fullName}</bdi>
          </Title>
          {data.state && (
            <MemberStatusBadge
              status={data.state.status}
              exitReason={data.state.exitReason}
              testId="member-status"
            />
          )}
        </Group>
        {mayWrite && (
          <Group gap="xs">
            <Button onClick={() => setRecording(true)} data-testid="record-event">
              {t('memberPage.recordEvent')}
            </Button>
            <Button variant="default" onClick={() => setChanging(true)} data-testid="change-record">
              {t('memberPage.changeRecord')}
            </Button>
          </Group>
        )}
      </Group>
      {member.isError && (
        <Alert color="red" role="alert">
          {errorMessage(member.error)}
        </Alert>
      )}
      {notes.length > 0 && <FindingAlert findings={notes} kind="warnings" testId="member-notes" />}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <MemberStateCard member={data} />
        <MemberRecordCard member={data} />
      </SimpleGrid>
      <MemberCardsCard member={data} mayWrite={mayWrite} />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <MemberTimeline memberId={id} onCorrect={mayWrite ? setCorrecting : undefined} />
        <RecordHistoryPanel memberId={id} />
      </SimpleGrid>
      <RecordEventModal
        member={data}
        opened={recording}
        onClose={() => setRecording(false)}
        onRecorded={setNotes}
      />
      <ChangeRecordModal member={data} opened={changing} onClose={() => setChanging(false)} />
      <CorrectEventModal member={data} event={correcting} onClose={() => setCorrecting(null)} />
    </Stack>
  );
}
