import { Badge, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import type { IsoDate, LineageEdge, LineageNode } from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { useAsOf } from '../../../app/as-of';
import { addDays, formatDate } from '../../../lib/dates';
import { useKinds } from '../../rule-pack/hooks/use-kinds';
import { useUnitLineage } from '../hooks/use-units';

interface LineageEvent {
  kind: 'merge' | 'split';
  date: IsoDate;
  orderId: number;
  predecessors: number[];
  successors: number[];
}

/** Merges are grouped by their successor, splits by their predecessor: one line per reorganization. */
function groupEdges(edges: LineageEdge[]): LineageEvent[] {
  const events = new Map<string, LineageEvent>();
  for (const e of edges) {
    const key = `${e.kind}:${e.orderId}:${e.kind === 'merge' ? e.successorId : e.predecessorId}`;
    let event = events.get(key);
    if (!event) {
      event = { kind: e.kind, date: e.effectiveDate, orderId: e.orderId, predecessors: [], successors: [] };
      events.set(key, event);
    }
    if (!event.predecessors.includes(e.predecessorId)) event.predecessors.push(e.predecessorId);
    if (!event.successors.includes(e.successorId)) event.successors.push(e.successorId);
  }
  return [...events.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** A date on which the unit existed, so its link opens on a live state: the current date if possible. */
function liveDate(node: LineageNode, asOf: IsoDate): IsoDate {
  if (asOf < node.from) return node.from;
  if (node.to && asOf >= node.to) return addDays(node.to, -1);
  return asOf;
}

/** Predecessors and successors of the unit through merges and splits, with dates and kinds. */
export function UnitLineagePanel({ unitId }: { unitId: number }) {
  const { t, i18n } = useTranslation();
  const { asOf } = useAsOf();
  const { kindName } = useKinds();
  const lineage = useUnitLineage(unitId);
  const lang = i18n.language;
  const nodes = new Map((lineage.data?.nodes ?? []).map((n) => [n.id, n]));
  const events = groupEdges(lineage.data?.edges ?? []);

  const unitLink = (id: number) => {
    const node = nodes.get(id);
    if (!node) return <Text span>#{id}</Text>;
    const span = node.to
      ? t('common.dateRange', { from: formatDate(node.from, lang), to: formatDate(node.to, lang) })
      : t('common.since', { from: formatDate(node.from, lang) });
    return (
      <Stack key={id} gap={0}>
        {id === unitId ? (
          <Text size="sm" fw={700}>
            {node.name} ({node.code})
          </Text>
        ) : (
          <AppLink to={`/units/${id}`} asOf={liveDate(node, asOf)} size="sm">
            {node.name} ({node.code})
          </AppLink>
        )}
        <Text size="xs" c="dimmed">
          {kindName(node.kind)} · {span}
        </Text>
      </Stack>
    );
  };

  return (
    <Card withBorder data-testid="lineage">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('lineage.title')}
        </Title>
        {lineage.isPending && <Loader size="xs" />}
        {lineage.isError && <Text c="red">{errorMessage(lineage.error)}</Text>}
        {lineage.data && events.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('lineage.none')}
          </Text>
        )}
        {events.map((e) => (
          <Card
            key={`${e.kind}-${e.orderId}-${e.predecessors.join()}-${e.successors.join()}`}
            withBorder
            padding="xs"
          >
            <Stack gap={6}>
              <Group gap="xs">
                <Badge
                  size="sm"
                  color={e.kind === 'merge' ? 'blue' : 'orange'}
                  style={{ textTransform: 'none' }}
                >
                  {t(`lineage.${e.kind}`)}
                </Badge>
                <Text size="sm">{formatDate(e.date, lang)}</Text>
                <AppLink to={`/orders/${e.orderId}`} size="sm">
                  {t('lineage.order')}
                </AppLink>
              </Group>
              <Group gap="md" align="center" wrap="nowrap">
                <Stack gap={4}>{e.predecessors.map(unitLink)}</Stack>
                <Text aria-label={t('lineage.became')} className="rb-chevron">
                  →
                </Text>
                <Stack gap={4}>{e.successors.map(unitLink)}</Stack>
              </Group>
            </Stack>
          </Card>
        ))}
      </Stack>
    </Card>
  );
}
