import { Alert, Badge, Card, Code, List, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type {
  EndingGrant,
  MemberMove,
  Preview,
  PreviewChange,
  SmallCell,
  UnitFacts,
} from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { addDays, formatDate, formatNumber, isUsableDate } from '../../../lib/dates';
import { useAccess } from '../../auth/hooks/use-session';
import { useRoleNames } from '../../roles/hooks/use-roles';
import { UnitName } from '../../members/components/UnitName';
import { useKinds } from '../../rule-pack/hooks/use-kinds';

const CHANGE_COLORS: Record<PreviewChange['change'], string> = {
  created: 'teal',
  renamed: 'blue',
  changed: 'blue',
  moved: 'violet',
  dissolved: 'red',
  reinstated: 'teal',
};

/** What applying the order would do: the units it changes, the rules it breaks, and the figures before and after. */
export function PreviewPanel({ preview, effectiveDate }: { preview: Preview; effectiveDate: string }) {
  const { t, i18n } = useTranslation();
  const { kindName, kindPlural } = useKinds();
  const n = (v: number) => formatNumber(v, i18n.language);

  const describe = (facts: UnitFacts | undefined) => {
    if (!facts) return '';
    const parts: string[] = [];
    if (facts.code !== undefined) parts.push(facts.code);
    if (facts.name !== undefined) parts.push(facts.name);
    if (facts.kind !== undefined) parts.push(kindName(facts.kind));
    if (facts.parentId !== undefined)
      parts.push(facts.parentName ? t('preview.under', { name: facts.parentName }) : t('preview.atTop'));
    return parts.join(' · ');
  };

  const figures = preview.figures;
  // The units the order changes, named as the preview lists them. A unit the order creates exists only
  // inside the preview, so its id is known only from the small-cell warnings (by code); others are looked up.
  const unitNames = new Map<number, string>([
    ...(preview.smallCells ?? []).map((c): [number, string] => [c.unitId, c.code]),
    ...preview.changes.map((c): [number, string] => [c.unitId, `${c.code} ${c.name}`]),
  ]);
  const kinds = figures
    ? [
        ...new Set([
          ...figures.before.byKind.map((k) => k.kind),
          ...(figures.after?.byKind ?? []).map((k) => k.kind),
        ]),
      ]
    : [];
  const count = (list: { kind: string; count: number }[] | undefined, kind: string) =>
    list?.find((k) => k.kind === kind)?.count ?? 0;

  return (
    <Card withBorder data-testid="preview">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('preview.title')}
        </Title>
        {preview.violations.length > 0 ? (
          <Alert
            color="red"
            title={t('preview.violations', { count: preview.violations.length })}
            data-testid="preview-violations"
          >
            <List size="sm">
              {preview.violations.map((v, i) => (
                <List.Item key={i}>{v.message}</List.Item>
              ))}
            </List>
          </Alert>
        ) : (
          <Alert color="teal" data-testid="preview-ok">
            {t('preview.noViolations')}
          </Alert>
        )}
        {preview.changes.length > 0 && (
          <Table.ScrollContainer minWidth={560}>
            <Table withTableBorder data-testid="preview-changes">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>#</Table.Th>
                  <Table.Th>{t('preview.change')}</Table.Th>
                  <Table.Th>{t('preview.unit')}</Table.Th>
                  <Table.Th>{t('preview.before')}</Table.Th>
                  <Table.Th>{t('preview.after')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {preview.changes.map((c, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{c.operation + 1}</Table.Td>
                    <Table.Td>
                      <Badge
                        color={CHANGE_COLORS[c.change]}
                        variant="light"
                        style={{ textTransform: 'none' }}
                      >
                        {t(`preview.changes.${c.change}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Code>{c.code}</Code>{' '}
                      {c.unitId > 0 ? (
                        <AppLink to={`/units/${c.unitId}`} asOf={effectiveDate}>
                          {c.name}
                        </AppLink>
                      ) : (
                        c.name
                      )}
                      <Text size="xs" c="dimmed">
                        {kindName(c.kind)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{describe(c.from)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{describe(c.to)}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {preview.smallCells?.length > 0 && <SmallCells cells={preview.smallCells} unitNames={unitNames} />}
        {preview.memberMoves?.length > 0 && (
          <MemberMoves moves={preview.memberMoves} effectiveDate={effectiveDate} unitNames={unitNames} />
        )}
        {preview.endingGrants?.length > 0 && (
          <EndingGrants grants={preview.endingGrants} effectiveDate={effectiveDate} unitNames={unitNames} />
        )}
        {figures && (
          <>
            <Text size="sm" fw={600}>
              {t('preview.figures', { name: figures.unitName })}
            </Text>
            <Table withTableBorder data-testid="preview-figures">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('figures.kind')}</Table.Th>
                  <Table.Th ta="end">{t('preview.before')}</Table.Th>
                  <Table.Th ta="end">{t('preview.after')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {kinds.map((kind) => (
                  <Table.Tr key={kind}>
                    <Table.Td>{kindPlural(kind)}</Table.Td>
                    <Table.Td ta="end">{n(count(figures.before.byKind, kind))}</Table.Td>
                    <Table.Td ta="end">{figures.after ? n(count(figures.after.byKind, kind)) : '—'}</Table.Td>
                  </Table.Tr>
                ))}
                <Table.Tr>
                  <Table.Td fw={700}>{t('figures.total')}</Table.Td>
                  <Table.Td ta="end" fw={700}>
                    {n(figures.before.total)}
                  </Table.Td>
                  <Table.Td ta="end" fw={700}>
                    {figures.after ? n(figures.after.total) : '—'}
                  </Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
          </>
        )}
      </Stack>
    </Card>
  );
}

/** Grants on units the order ends: their holders lose the role over that unit on the effective date. */
function EndingGrants({
  grants,
  effectiveDate,
  unitNames,
}: {
  grants: EndingGrant[];
  effectiveDate: string;
  /** The units the order changes, named as the preview lists them. */
  unitNames: Map<number, string>;
}) {
  const { t, i18n } = useTranslation();
  const { roleName } = useRoleNames();
  const manageUsers = useAccess().can('users.manage');
  // The unit no longer exists on the effective date: link to it as it stood the day before.
  const lastDay = isUsableDate(effectiveDate) ? addDays(effectiveDate, -1) : undefined;
  return (
    <Stack gap={4} data-testid="preview-ending-grants">
      <Text size="sm" fw={600}>
        {t('preview.endingGrants')}
      </Text>
      <Text size="xs" c="dimmed">
        {t('preview.endingGrantsHelp', { date: formatDate(effectiveDate, i18n.language) })}
      </Text>
      <Table withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('user.username')}</Table.Th>
            <Table.Th>{t('grant.role')}</Table.Th>
            <Table.Th>{t('preview.unit')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {grants.map((g) => (
            <Table.Tr key={g.grantId}>
              <Table.Td dir="ltr" style={{ textAlign: 'start' }}>
                {manageUsers ? <AppLink to={`/users/${g.userId}`}>{g.username}</AppLink> : g.username}
              </Table.Td>
              <Table.Td>{roleName(g.role)}</Table.Td>
              <Table.Td>
                <AppLink to={`/units/${g.unitId}`} asOf={lastDay}>
                  {unitNames.get(g.unitId) ?? `#${g.unitId}`}
                </AppLink>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** Members who follow their unit: from the unit they leave to the successor or split part. */
function MemberMoves({
  moves,
  effectiveDate,
  unitNames,
}: {
  moves: MemberMove[];
  effectiveDate: string;
  unitNames: Map<number, string>;
}) {
  const { t, i18n } = useTranslation();
  const lastDay = isUsableDate(effectiveDate) ? addDays(effectiveDate, -1) : effectiveDate;
  // A unit the order creates has no page yet; one it ends is shown as it stood the day before.
  const unit = (id: number, asOf: string) => {
    const known = unitNames.get(id);
    if (known !== undefined) return <bdi>{known}</bdi>;
    return <UnitName id={id} asOf={asOf} />;
  };
  return (
    <Stack gap={4} data-testid="preview-member-moves">
      <Text size="sm" fw={600}>
        {t('preview.memberMoves')}
      </Text>
      <Table withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('preview.movesFrom')}</Table.Th>
            <Table.Th>{t('preview.movesTo')}</Table.Th>
            <Table.Th ta="end">{t('preview.movesCount')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {moves.map((m) => (
            <Table.Tr
              key={`${m.fromUnitId}-${m.toUnitId}`}
              data-testid={`member-move-${m.fromUnitId}-${m.toUnitId}`}
            >
              <Table.Td>{unit(m.fromUnitId, lastDay)}</Table.Td>
              <Table.Td>{unit(m.toUnitId, effectiveDate)}</Table.Td>
              <Table.Td ta="end" data-testid="move-count">
                {formatNumber(m.count, i18n.language)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** Member units the order leaves with fewer official members than a cell needs (3). */
function SmallCells({ cells, unitNames }: { cells: SmallCell[]; unitNames: Map<number, string> }) {
  const { t } = useTranslation();
  return (
    <Alert color="yellow" title={t('preview.smallCells')} data-testid="preview-small-cells">
      <List size="sm">
        {cells.map((c) => (
          <List.Item key={c.unitId} data-testid={`small-cell-${c.code}`}>
            <bdi>{unitNames.get(c.unitId) ?? c.code}</bdi>:{' '}
            {t('preview.smallCell', { count: c.officialMembers })}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}
