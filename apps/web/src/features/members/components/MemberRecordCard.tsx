import { Alert, Card, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { MemberDetail } from '../../../api/types';
import { formatDate } from '../../../lib/dates';
import { useMemberPack, type VocabularyName } from '../../rule-pack/hooks/use-member-pack';
import { RECORD_FIELDS, VOCABULARY_FIELDS } from '../record-draft';
import { DetailRow } from './DetailRow';

/**
 * The record as it read on the date. Sensitive fields come only when the reader may see them (and
 * that read is audited); otherwise the card says they are hidden rather than empty.
 */
export function MemberRecordCard({ member }: { member: MemberDetail }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const pack = useMemberPack();
  const r = member.record;
  const value = (field: (typeof RECORD_FIELDS)[number]) => {
    const v = r[field];
    if (v === null || v === undefined || v === '') return null;
    if (field === 'birthDate') return formatDate(v, lang);
    if ((VOCABULARY_FIELDS as readonly string[]).includes(field))
      return pack.term(field as VocabularyName, v);
    return <bdi>{v}</bdi>;
  };
  return (
    <Card withBorder data-testid="member-record">
      <Stack gap={6}>
        <Title order={3} size="h4">
          {t('memberPage.record')}
        </Title>
        {RECORD_FIELDS.filter((f) => f in r && value(f) !== null).map((f) => (
          <DetailRow key={f} label={t(`memberField.${f}`)} testId={`record-${f}`}>
            {value(f)}
          </DetailRow>
        ))}
        {Object.entries(r.custom ?? {})
          .filter(([, v]) => v !== null && v !== '')
          .map(([code, v]) => (
            <DetailRow key={code} label={pack.customFieldName(code)} testId={`record-custom-${code}`}>
              <bdi>{String(v)}</bdi>
            </DetailRow>
          ))}
        <Text size="xs" c="dimmed">
          {r.validFrom
            ? r.validTo
              ? t('memberPage.recordValid', {
                  from: formatDate(r.validFrom, lang),
                  to: formatDate(r.validTo, lang),
                })
              : t('memberPage.recordSince', { from: formatDate(r.validFrom, lang) })
            : r.validTo
              ? t('memberPage.recordUntil', { to: formatDate(r.validTo, lang) })
              : t('memberPage.recordFirst')}
        </Text>
        {!member.sensitiveShown && (
          <Alert color="gray" variant="light" data-testid="sensitive-hidden">
            {t('memberPage.sensitiveHidden')}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
