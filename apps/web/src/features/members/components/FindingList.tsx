import { Alert, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import type { Finding } from '../event-draft';

/** One broken rule or note: what is wrong, then the rule set and the text of the rule it comes from. */
export function FindingText({ finding }: { finding: Finding }) {
  const { t } = useTranslation();
  return (
    <span data-testid="finding">
      <span>{finding.message}</span>
      {finding.ruleSet && (
        <Text span size="xs" c="dimmed" display="block" data-testid="finding-source">
          {t('eventForm.ruleSource', { ruleSet: finding.ruleSet, source: finding.source ?? '' })}
        </Text>
      )}
    </span>
  );
}

/** Several findings as the error of one field. */
export function FieldFindings({ findings }: { findings: Finding[] }) {
  if (findings.length === 0) return null;
  return (
    <>
      {findings.map((f, i) => (
        <FindingText key={i} finding={f} />
      ))}
    </>
  );
}

/** Findings shown apart from the fields: refusals not tied to a field, or notes (allowed, but worth telling). */
export function FindingAlert({
  findings,
  kind,
  testId,
}: {
  findings: Finding[];
  kind: 'problems' | 'warnings';
  testId?: string;
}) {
  const { t } = useTranslation();
  if (findings.length === 0) return null;
  return (
    <Alert
      color={kind === 'problems' ? 'red' : 'yellow'}
      role={kind === 'problems' ? 'alert' : 'status'}
      title={kind === 'problems' ? t('eventForm.problems') : t('eventForm.warnings')}
      data-testid={testId}
    >
      <List size="sm" spacing={4}>
        {findings.map((f, i) => (
          <List.Item key={i}>
            <FindingText finding={f} />
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

/**
 * What a member write answered besides rule problems: someone changed the member meanwhile (412;
 * the member is reloaded), or another error when no finding explains it.
 */
export function WriteFeedback({
  stale,
  error,
  explained,
  testId,
}: {
  stale: boolean;
  error: unknown;
  /** Findings already say what went wrong. */
  explained: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      {stale && (
        <Alert color="orange" role="alert" {...(testId && { 'data-testid': testId })}>
          {t('memberPage.stale')}
        </Alert>
      )}
      {error != null && !stale && !explained && (
        <Alert color="red" role="alert">
          {errorMessage(error)}
        </Alert>
      )}
    </>
  );
}
