import { ActionIcon, Badge, Button, Code, Group, Loader, Text, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import type { Unit, UnitRef } from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { useAsOf } from '../../../app/as-of';
import { formatNumber } from '../../../lib/dates';
import { useKinds } from '../../rule-pack/hooks/use-kinds';
import { useChildren } from '../hooks/use-units';

interface UnitTreeProps {
  /** The units at the first level of this tree. */
  units: Unit[];
  level?: number;
  /** Offers "add a unit under it" on every row; absent for readers who may not add units. */
  onAddUnder?: (parent: UnitRef) => void;
}

/** A tree of units that loads each level when it is opened. */
export function UnitTree({ units, level = 1, onAddUnder }: UnitTreeProps) {
  const { t } = useTranslation();
  return (
    <ul
      className="rb-tree"
      role={level === 1 ? 'tree' : 'group'}
      aria-label={level === 1 ? t('tree.label') : undefined}
    >
      {units.map((unit) => (
        <TreeItem key={unit.id} unit={unit} level={level} onAddUnder={onAddUnder} />
      ))}
    </ul>
  );
}

function TreeItem({
  unit,
  level,
  onAddUnder,
}: {
  unit: Unit;
  level: number;
  onAddUnder?: (parent: UnitRef) => void;
}) {
  const { t, i18n } = useTranslation();
  const { asOf } = useAsOf();
  const { kindName } = useKinds();
  const [open, setOpen] = useState(false);
  const hasChildren = unit.childCount > 0;
  const children = useChildren(unit.id, asOf, open && hasChildren);

  return (
    <li
      role="treeitem"
      aria-level={level}
      aria-expanded={hasChildren ? open : undefined}
      aria-label={`${unit.code} ${unit.name}`}
      data-testid={`tree-node-${unit.code}`}
    >
      <Group gap={6} wrap="nowrap" className="rb-tree-row" style={{ paddingInlineStart: (level - 1) * 24 }}>
        <div className="rb-toggle">
          {hasChildren && (
            <ActionIcon
              variant="subtle"
              size="sm"
              onClick={() => setOpen((o) => !o)}
              aria-label={
                open ? t('tree.collapse', { name: unit.name }) : t('tree.expand', { name: unit.name })
              }
              aria-expanded={open}
              data-testid={`toggle-${unit.code}`}
            >
              <span
                className="rb-chevron"
                aria-hidden
                style={{ display: 'inline-block', rotate: open ? '90deg' : '0deg' }}
              >
                ▸
              </span>
            </ActionIcon>
          )}
        </div>
        <Code>{unit.code}</Code>
        <AppLink to={`/units/${unit.id}`} fw={500}>
          {unit.name}
        </AppLink>
        <Badge variant="light" color="gray" size="sm" style={{ textTransform: 'none' }}>
          {kindName(unit.kind)}
        </Badge>
        <Text size="xs" c="dimmed" data-testid={`child-count-${unit.code}`}>
          {t('tree.childCount', {
            count: unit.childCount,
            formatted: formatNumber(unit.childCount, i18n.language),
          })}
        </Text>
        {onAddUnder && (
          <Tooltip label={t('tree.addUnder', { name: unit.name })}>
            <ActionIcon
              variant="subtle"
              size="sm"
              ms="auto"
              aria-label={t('tree.addUnder', { name: unit.name })}
              onClick={() => onAddUnder(unit)}
              data-testid={`add-under-${unit.code}`}
            >
              +
            </ActionIcon>
          </Tooltip>
        )}
      </Group>
      {open && hasChildren && (
        <>
          {children.isPending && (
            <Group gap="xs" style={{ paddingInlineStart: level * 24 + 34 }} py={4}>
              <Loader size="xs" />
              <Text size="sm" c="dimmed">
                {t('common.loading')}
              </Text>
            </Group>
          )}
          {children.isError && (
            <Group gap="xs" style={{ paddingInlineStart: level * 24 + 34 }} py={4}>
              <Text size="sm" c="red">
                {errorMessage(children.error)}
              </Text>
              <Button size="compact-xs" variant="subtle" onClick={() => void children.refetch()}>
                {t('common.retry')}
              </Button>
            </Group>
          )}
          {children.data && children.data.items.length > 0 && (
            <UnitTree units={children.data.items} level={level + 1} onAddUnder={onAddUnder} />
          )}
          {children.data?.nextCursor && (
            <Text size="xs" c="dimmed" style={{ paddingInlineStart: level * 24 + 34 }}>
              {t('tree.more')}
            </Text>
          )}
        </>
      )}
    </li>
  );
}
