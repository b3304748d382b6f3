import { Box, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CountOf } from '../../../api/types';
import { formatNumber } from '../../../lib/dates';

/** Counts as a table with a bar each: the bar grows from the start side, so it reads right-to-left in Arabic. */
export function CountBars({
  title,
  rows,
  label,
  testId,
}: {
  title: string;
  rows: CountOf[];
  label: (value: string) => string;
  testId: string;
}) {
  const { t, i18n } = useTranslation();
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <Table withTableBorder verticalSpacing={4} data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{title}</Table.Th>
          <Table.Th ta="end" w={70}>
            {t('memberFigures.count')}
          </Table.Th>
          <Table.Th w="40%" />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.length === 0 && (
          <Table.Tr>
            <Table.Td colSpan={3}>
              <Text size="sm" c="dimmed">
                {t('memberFigures.noneCounted')}
              </Text>
            </Table.Td>
          </Table.Tr>
        )}
        {rows.map((r) => (
          <Table.Tr key={r.value} data-testid={`${testId}-${r.value}`}>
            <Table.Td>{label(r.value)}</Table.Td>
            <Table.Td ta="end" data-testid="count">
              {formatNumber(r.count, i18n.language)}
            </Table.Td>
            <Table.Td>
              <Box
                role="presentation"
                h={10}
                bg="var(--mantine-primary-color-filled)"
                style={{
                  inlineSize: `${(r.count / max) * 100}%`,
                  borderRadius: 2,
                  minInlineSize: r.count ? 2 : 0,
                }}
              />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
