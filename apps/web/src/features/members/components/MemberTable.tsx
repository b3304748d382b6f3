import { Box, Button, Group, Table, Text } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { MemberListItem } from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { useAsOf } from '../../../app/as-of';
import { StatusBadge } from '../../../app/StatusBadge';
import { formatDate } from '../../../lib/dates';
import { useMemberPack } from '../../rule-pack/hooks/use-member-pack';
import type { useMemberList } from '../hooks/use-members';
import { MemberStatusBadge } from './MemberStatusBadge';
import { UnitName } from './UnitName';

type MemberList = ReturnType<typeof useMemberList>;

const COLUMNS = 5;
/** A one-line row with a badge. Rows are measured once drawn; the estimate only sizes the scroll bar until then. */
const ROW_ESTIMATE = 45;
/** Rows drawn beyond the window each way, so a fast scroll or a Tab into the next row finds it already there. */
const OVERSCAN = 8;
/** Ask for the next page this many rows before the last loaded one: it then arrives before the reader gets there. */
const PREFETCH_ROWS = 15;

/**
 * The loaded members in a scrolling table that draws only the rows in view (a unit can hold thousands);
 * scrolling near the end loads the next page, and the button below does the same for the keyboard.
 */
export function MemberTable({ list }: { list: MemberList }) {
  const { t } = useTranslation();
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const scrollRef = useRef<HTMLDivElement>(null);
  // The sticky header sits above the first row inside the scroll box: the virtualizer must count it.
  const head = useElementSize<HTMLTableSectionElement>();
  // The virtualizer is a mutable object the React Compiler cannot memoize; this app does not use the compiler.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE,
    getItemKey: (index) => items[index]?.id ?? index,
    overscan: OVERSCAN,
    scrollMargin: head.height,
  });
  const rows = virtualizer.getVirtualItems();
  const first = rows[0];
  const last = rows[rows.length - 1];
  // Padding rows stand in for the rows not drawn, so the table keeps its real height and the scroll bar its place.
  const padTop = first ? first.start - head.height : 0;
  const padBottom = last ? virtualizer.getTotalSize() - (last.end - head.height) : 0;

  const { hasNextPage, isFetchingNextPage, isFetchNextPageError, isPlaceholderData, fetchNextPage } = list;
  const lastIndex = last?.index ?? -1;
  useEffect(() => {
    // Not while the rows shown belong to the previous filter, nor again after a failed page: the button retries.
    if (!hasNextPage || isFetchingNextPage || isFetchNextPageError || isPlaceholderData) return;
    if (lastIndex >= 0 && lastIndex >= items.length - PREFETCH_ROWS) void fetchNextPage();
  }, [
    lastIndex,
    items.length,
    hasNextPage,
    isFetchingNextPage,
    isFetchNextPageError,
    isPlaceholderData,
    fetchNextPage,
  ]);

  return (
    <>
      <Box
        ref={scrollRef}
        // Focusable, so arrow keys and Page Down scroll the list (and so load more) without a mouse.
        tabIndex={0}
        role="region"
        aria-label={t('members.listLabel')}
        mah="70vh"
        style={{ overflow: 'auto', overscrollBehavior: 'contain' }}
        data-testid="members-scroll"
      >
        <Table
          stickyHeader
          layout="fixed"
          miw={720}
          highlightOnHover
          verticalSpacing="sm"
          // The server does not count the matches: -1 tells a screen reader the total is not known yet.
          aria-rowcount={hasNextPage ? -1 : items.length + 1}
          data-testid="members-table"
        >
          <Table.Thead ref={head.ref}>
            <Table.Tr aria-rowindex={1}>
              <Table.Th w="30%">{t('memberField.fullName')}</Table.Th>
              <Table.Th w="14%">{t('memberField.birthDate')}</Table.Th>
              <Table.Th w="10%">{t('memberField.sex')}</Table.Th>
              <Table.Th w="22%">{t('members.status')}</Table.Th>
              <Table.Th w="24%">{t('members.unit')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {padTop > 0 && <PaddingRow height={padTop} />}
            {rows.map((row) => {
              const member = items[row.index];
              return (
                member && (
                  <MemberRow
                    key={row.key}
                    ref={virtualizer.measureElement}
                    index={row.index}
                    member={member}
                  />
                )
              );
            })}
            {padBottom > 0 && <PaddingRow height={padBottom} />}
          </Table.Tbody>
        </Table>
      </Box>
      <Group justify="space-between" px="md" py="xs" gap="xs">
        <Text size="sm" c="dimmed" role="status" data-testid="members-loaded">
          {hasNextPage
            ? t('members.loadedMore', { count: items.length })
            : t('members.loadedAll', { count: items.length })}
        </Text>
        {hasNextPage && (
          <Button
            variant="default"
            size="xs"
            onClick={() => void fetchNextPage()}
            loading={isFetchingNextPage}
            data-testid="members-more"
          >
            {t('common.more')}
          </Button>
        )}
      </Group>
    </>
  );
}

function PaddingRow({ height }: { height: number }) {
  return (
    <tr aria-hidden="true" style={{ height }}>
      <td colSpan={COLUMNS} style={{ padding: 0, border: 0 }} />
    </tr>
  );
}

function MemberRow({
  member: m,
  index,
  ref,
}: {
  member: MemberListItem;
  index: number;
  ref: Ref<HTMLTableRowElement>;
}) {
  const { t, i18n } = useTranslation();
  const { asOf } = useAsOf();
  const pack = useMemberPack();
  return (
    <Table.Tr
      ref={ref}
      // data-index tells the virtualizer which row it measured; aria-rowindex tells a screen reader where it is.
      data-index={index}
      aria-rowindex={index + 2}
      data-testid={`member-row-${m.id}`}
    >
      <Table.Td style={{ overflowWrap: 'anywhere' }}>
        <AppLink to={`/members/${m.id}`} data-testid="member-link">
          <bdi>{m.fullName}</bdi>
        </AppLink>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(m.birthDate, i18n.language)}</Table.Td>
      <Table.Td>{pack.term('sex', m.sex)}</Table.Td>
      <Table.Td>
        <Group gap={4}>
          <MemberStatusBadge status={m.status} exitReason={m.exitReason} />
          {m.exempted && <StatusBadge color="grape">{t('memberPage.exempted')}</StatusBadge>}
          {m.suspended && <StatusBadge color="orange">{t('memberPage.suspended')}</StatusBadge>}
        </Group>
      </Table.Td>
      <Table.Td style={{ overflowWrap: 'anywhere' }}>
        {m.unitId !== null && (
          <AppLink to={`/units/${m.unitId}`} size="sm">
            <bdi>{m.unitName ?? m.unitCode}</bdi>
          </AppLink>
        )}
        {m.transferToUnitId !== null && (
          <Text size="xs" c="dimmed">
            {t('members.inTransitTo')} <UnitName id={m.transferToUnitId} asOf={asOf} />
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
