import { Code, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { summarizeChanges } from '../audit-vocabulary';

const SHOWN = 4;

/** A few lines saying what an event changed; the whole record folds out below them. */
export function ChangesSummary({ changes }: { changes: unknown }) {
  const { t } = useTranslation();
  const lines = summarizeChanges(changes);
  if (lines.length === 0 && (changes === null || changes === undefined)) {
    return (
      <Text size="xs" c="dimmed">
        —
      </Text>
    );
  }
  return (
    <Stack gap={0}>
      {lines.slice(0, SHOWN).map((line) => (
        <Text size="xs" key={line.field} dir="auto">
          <Text span size="xs" fw={600}>
            {line.field}
          </Text>
          {': '}
          <bdi>
            {line.before !== undefined && line.after !== undefined
              ? `${line.before} ${t('audit.arrow')} ${line.after}`
              : (line.after ?? line.before)}
          </bdi>
        </Text>
      ))}
      <details>
        <summary>
          <Text span size="xs" c="dimmed">
            {lines.length > SHOWN
              ? t('audit.moreChanges', { count: lines.length - SHOWN })
              : t('audit.fullRecord')}
          </Text>
        </summary>
        <Code block fz="xs" dir="ltr" style={{ maxWidth: 420, whiteSpace: 'pre-wrap' }}>
          {JSON.stringify(changes, null, 2)}
        </Code>
      </details>
    </Stack>
  );
}
