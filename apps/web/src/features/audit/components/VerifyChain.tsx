import { Alert, Button, Code, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import { formatNumber } from '../../../lib/dates';
import { useVerifyChain } from '../hooks/use-audit';

/**
 * Re-computes every event's hash from the one before it. Only organization-wide readers may: the
 * chain runs through every unit's events.
 */
export function VerifyChain() {
  const { t, i18n } = useTranslation();
  const verify = useVerifyChain();
  const n = (v: number) => formatNumber(v, i18n.language);
  const result = verify.data;
  return (
    <Stack gap="xs" align="flex-start">
      <Button
        variant="default"
        onClick={() => verify.mutate()}
        loading={verify.isPending}
        data-testid="verify-chain"
      >
        {t('audit.verify')}
      </Button>
      {verify.isError && (
        <Alert color="red" role="alert">
          {errorMessage(verify.error)}
        </Alert>
      )}
      {result && result.ok && (
        <Alert color="teal" title={t('audit.chainOk')} data-testid="verify-result" w="100%">
          <Stack gap={4}>
            <Text size="sm">
              {t('audit.chainChecked', { events: n(result.events), ms: n(result.milliseconds) })}
            </Text>
            {result.head && (
              <Text size="sm">
                {t('audit.chainHead', { seq: result.head.seq })}{' '}
                <Code dir="ltr" style={{ wordBreak: 'break-all' }} data-testid="verify-head">
                  {result.head.hash}
                </Code>
              </Text>
            )}
          </Stack>
        </Alert>
      )}
      {result && !result.ok && (
        <Alert color="red" title={t('audit.chainBroken')} data-testid="verify-result" w="100%">
          <Text size="sm">
            {result.broken
              ? t('audit.brokenAt', {
                  seq: result.broken.seq,
                  problem: t(`audit.problem.${result.broken.problem}`, {
                    defaultValue: result.broken.problem,
                  }),
                })
              : t('audit.chainBroken')}
          </Text>
        </Alert>
      )}
    </Stack>
  );
}
