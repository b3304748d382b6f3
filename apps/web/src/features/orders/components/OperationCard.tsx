import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Fieldset,
  Group,
  List,
  NativeSelect,
  Radio,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IsoDate, ReorgOperation, SplitPart, Violation } from '../../../api/types';
import { UnitPicker } from '../../units/components/UnitPicker';
import { useChildren } from '../../units/hooks/use-units';
import { useKinds } from '../../rule-pack/hooks/use-kinds';
import { KindSelect } from './KindSelect';
import { blankPart, parseMemberIds } from './operation-drafts';

interface OperationCardProps {
  op: ReorgOperation;
  index: number;
  count: number;
  /** The date units are looked up on: the effective date, or the day before for an applied order. */
  lookupDate: IsoDate;
  violations: Violation[];
  readOnly: boolean;
  onChange: (op: ReorgOperation) => void;
  onRemove: () => void;
  onMove: (delta: -1 | 1) => void;
}

type Op<T extends ReorgOperation['type']> = Extract<ReorgOperation, { type: T }>;

interface FormProps<T extends ReorgOperation['type']> {
  op: Op<T>;
  set: (op: Op<T>) => void;
  date: IsoDate;
  err: (suffix: string) => string | undefined;
  readOnly: boolean;
  testId: string;
}

const pick = (id: number | null | undefined) => (id && id > 0 ? id : null);

/** What every unit picker of an operation shares: the date it searches on, its error, read-only, test id. */
function pickerWiring(
  form: Pick<FormProps<ReorgOperation['type']>, 'date' | 'err' | 'readOnly' | 'testId'>,
  field: string,
  suffix: string,
) {
  return {
    asOf: form.date,
    error: form.err(field),
    disabled: form.readOnly,
    testId: `${form.testId}-${suffix}`,
  };
}

/** The unit an operation acts on: the same picker in every form that has one. */
function SubjectUnitPicker({
  unitId,
  onChange,
  ...form
}: { unitId: number; onChange: (unitId: number) => void } & Pick<
  FormProps<ReorgOperation['type']>,
  'date' | 'err' | 'readOnly' | 'testId'
>) {
  const { t } = useTranslation();
  return (
    <UnitPicker
      label={t('operation.unit')}
      value={pick(unitId)}
      onChange={(id) => onChange(id ?? 0)}
      {...pickerWiring(form, 'unitId', 'unit')}
    />
  );
}

/** One operation of an order, with the small form of its type and the rule violations that name it. */
export function OperationCard(props: OperationCardProps) {
  const { op, index, count, lookupDate, violations, readOnly, onChange, onRemove, onMove } = props;
  const { t } = useTranslation();
  const prefix = `operations.${index}`;
  const mine = violations.filter((v) => v.field === prefix || v.field?.startsWith(`${prefix}.`));
  // A violation that names a field shows at that field; the others show on the card.
  const err = (suffix: string) => mine.find((v) => v.field === `${prefix}.${suffix}`)?.message;
  const fieldNames = new Set(FIELDS[op.type].map((f) => `${prefix}.${f}`));
  const general = mine.filter((v) => !v.field || !fieldNames.has(v.field));
  const testId = `op-${index}`;
  const common = { date: lookupDate, err, readOnly, testId };

  return (
    <Card withBorder data-testid={testId}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <Badge variant="filled" style={{ textTransform: 'none' }}>
              {index + 1}. {t(`operation.type.${op.type}`)}
            </Badge>
            <Text size="xs" c="dimmed">
              {t(`operation.help.${op.type}`)}
            </Text>
          </Group>
          {!readOnly && (
            <Group gap={4}>
              <Tooltip label={t('operation.moveUp')}>
                <ActionIcon
                  variant="subtle"
                  disabled={index === 0}
                  onClick={() => onMove(-1)}
                  aria-label={t('operation.moveUp')}
                >
                  ↑
                </ActionIcon>
              </Tooltip>
              <Tooltip label={t('operation.moveDown')}>
                <ActionIcon
                  variant="subtle"
                  disabled={index === count - 1}
                  onClick={() => onMove(1)}
                  aria-label={t('operation.moveDown')}
                >
                  ↓
                </ActionIcon>
              </Tooltip>
              <Button
                size="compact-sm"
                variant="subtle"
                color="red"
                onClick={onRemove}
                data-testid={`${testId}-remove`}
              >
                {t('operation.remove')}
              </Button>
            </Group>
          )}
        </Group>
        {op.type === 'create' && <CreateForm op={op} set={onChange} {...common} />}
        {op.type === 'rename' && <RenameForm op={op} set={onChange} {...common} />}
        {op.type === 'change' && <ChangeForm op={op} set={onChange} {...common} />}
        {op.type === 'move' && <MoveForm op={op} set={onChange} {...common} />}
        {op.type === 'merge' && <MergeForm op={op} set={onChange} {...common} />}
        {op.type === 'split' && <SplitForm op={op} set={onChange} {...common} />}
        {op.type === 'dissolve' && <DissolveForm op={op} set={onChange} {...common} />}
        {op.type === 'reinstate' && <ReinstateForm op={op} set={onChange} {...common} />}
        {general.length > 0 && (
          <Alert color="red" variant="light" p="xs">
            <List size="sm">
              {general.map((v, i) => (
                <List.Item key={i}>{v.message}</List.Item>
              ))}
            </List>
          </Alert>
        )}
      </Stack>
    </Card>
  );
}

/** Fields each form shows an error at; violations naming anything else show on the card. */
const FIELDS: Record<ReorgOperation['type'], string[]> = {
  create: ['parentId', 'code', 'name', 'kind'],
  rename: ['unitId', 'name', 'code'],
  change: ['unitId', 'kind'],
  move: ['unitId', 'parentId'],
  merge: [
    'unitIds.0',
    'unitIds.1',
    'unitIds.2',
    'unitIds.3',
    'into.unitId',
    'into.parentId',
    'into.code',
    'into.name',
    'into.kind',
  ],
  split: ['unitId'],
  dissolve: ['unitId'],
  reinstate: ['unitId', 'parentId', 'code', 'name', 'kind'],
};

function CreateForm({ op, set, date, err, readOnly, testId }: FormProps<'create'>) {
  const { t } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }}>
      <UnitPicker
        label={t('operation.parent')}
        description={t('operation.parentTopHelp')}
        value={pick(op.parentId)}
        onChange={(id) => set({ ...op, parentId: id })}
        {...pickerWiring({ date, err, readOnly, testId }, 'parentId', 'parent')}
      />
      <KindSelect
        label={t('unit.kind')}
        value={op.kind}
        onChange={(kind) => set({ ...op, kind })}
        parentId={pick(op.parentId) ?? undefined}
        date={date}
        error={err('kind')}
        disabled={readOnly}
        testId={`${testId}-kind`}
      />
      <TextInput
        label={t('unit.code')}
        dir="auto"
        value={op.code}
        onChange={(e) => set({ ...op, code: e.currentTarget.value })}
        error={err('code')}
        disabled={readOnly}
        data-testid={`${testId}-code`}
      />
      <TextInput
        label={t('unit.name')}
        dir="auto"
        value={op.name}
        onChange={(e) => set({ ...op, name: e.currentTarget.value })}
        error={err('name')}
        disabled={readOnly}
        data-testid={`${testId}-name`}
      />
    </SimpleGrid>
  );
}

function RenameForm({ op, set, date, err, readOnly, testId }: FormProps<'rename'>) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm">
      <SubjectUnitPicker
        unitId={op.unitId}
        onChange={(unitId) => set({ ...op, unitId })}
        date={date}
        err={err}
        readOnly={readOnly}
        testId={testId}
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label={t('operation.newName')}
          dir="auto"
          description={t('operation.blankKeeps')}
          value={op.name ?? ''}
          onChange={(e) => set({ ...op, name: e.currentTarget.value })}
          error={err('name')}
          disabled={readOnly}
          data-testid={`${testId}-name`}
        />
        <TextInput
          label={t('operation.newCode')}
          dir="auto"
          description={t('operation.blankKeeps')}
          value={op.code ?? ''}
          onChange={(e) => set({ ...op, code: e.currentTarget.value })}
          error={err('code')}
          disabled={readOnly}
          data-testid={`${testId}-code`}
        />
      </SimpleGrid>
    </Stack>
  );
}

function ChangeForm({ op, set, date, err, readOnly, testId }: FormProps<'change'>) {
  const { t } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }}>
      <SubjectUnitPicker
        unitId={op.unitId}
        onChange={(unitId) => set({ ...op, unitId })}
        date={date}
        err={err}
        readOnly={readOnly}
        testId={testId}
      />
      <KindSelect
        label={t('operation.newKind')}
        blankLabel={t('operation.keepKind')}
        value={op.kind ?? ''}
        onChange={(kind) => set({ ...op, kind })}
        date={date}
        error={err('kind')}
        disabled={readOnly}
        testId={`${testId}-kind`}
      />
    </SimpleGrid>
  );
}

function MoveForm({ op, set, date, err, readOnly, testId }: FormProps<'move'>) {
  const { t } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }}>
      <SubjectUnitPicker
        unitId={op.unitId}
        onChange={(unitId) => set({ ...op, unitId })}
        date={date}
        err={err}
        readOnly={readOnly}
        testId={testId}
      />
      <UnitPicker
        label={t('operation.newParent')}
        value={pick(op.parentId)}
        onChange={(id) => set({ ...op, parentId: id ?? 0 })}
        {...pickerWiring({ date, err, readOnly, testId }, 'parentId', 'parent')}
      />
    </SimpleGrid>
  );
}

function DissolveForm({ op, set, ...form }: FormProps<'dissolve'>) {
  return <SubjectUnitPicker unitId={op.unitId} onChange={(unitId) => set({ ...op, unitId })} {...form} />;
}

function ReinstateForm({ op, set, date, err, readOnly, testId }: FormProps<'reinstate'>) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <UnitPicker
          label={t('operation.dissolvedUnit')}
          description={t('operation.dissolvedHelp')}
          value={pick(op.unitId)}
          onChange={(id) => set({ ...op, unitId: id ?? 0 })}
          {...pickerWiring({ date, err, readOnly, testId }, 'unitId', 'unit')}
        />
        <UnitPicker
          label={t('operation.parent')}
          description={t('operation.parentTopHelp')}
          value={pick(op.parentId)}
          onChange={(id) => set({ ...op, parentId: id })}
          {...pickerWiring({ date, err, readOnly, testId }, 'parentId', 'parent')}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput
          label={t('operation.newCode')}
          dir="auto"
          description={t('operation.blankKeeps')}
          value={op.code ?? ''}
          onChange={(e) => set({ ...op, code: e.currentTarget.value })}
          error={err('code')}
          disabled={readOnly}
        />
        <TextInput
          label={t('operation.newName')}
          dir="auto"
          description={t('operation.blankKeeps')}
          value={op.name ?? ''}
          onChange={(e) => set({ ...op, name: e.currentTarget.value })}
          error={err('name')}
          disabled={readOnly}
        />
        <KindSelect
          label={t('operation.newKind')}
          blankLabel={t('operation.keepKind')}
          value={op.kind ?? ''}
          onChange={(kind) => set({ ...op, kind })}
          parentId={pick(op.parentId) ?? undefined}
          date={date}
          error={err('kind')}
          disabled={readOnly}
        />
      </SimpleGrid>
    </Stack>
  );
}

function MergeForm({ op, set, date, err, readOnly, testId }: FormProps<'merge'>) {
  const { t } = useTranslation();
  const into = op.into;
  const mode = 'unitId' in into ? 'existing' : 'new';
  const setId = (i: number, id: number | null) => {
    const unitIds = [...op.unitIds];
    unitIds[i] = id ?? 0;
    set({ ...op, unitIds });
  };
  return (
    <Stack gap="sm">
      <Fieldset legend={t('operation.mergeSources')} disabled={readOnly} variant="unstyled">
        <Stack gap="xs">
          {op.unitIds.map((id, i) => (
            <Group key={i} align="flex-end" wrap="nowrap">
              <div style={{ flex: 1 }}>
                <UnitPicker
                  label={t('operation.mergeSource', { n: i + 1 })}
                  value={pick(id)}
                  onChange={(v) => setId(i, v)}
                  asOf={date}
                  error={err(`unitIds.${i}`)}
                  disabled={readOnly}
                  testId={`${testId}-source-${i}`}
                />
              </div>
              {!readOnly && op.unitIds.length > 1 && (
                <Button
                  size="compact-sm"
                  variant="subtle"
                  color="red"
                  onClick={() => set({ ...op, unitIds: op.unitIds.filter((_, j) => j !== i) })}
                  aria-label={t('operation.removeSource', { n: i + 1 })}
                >
                  ✕
                </Button>
              )}
            </Group>
          ))}
          {!readOnly && (
            <Button
              size="compact-sm"
              variant="light"
              onClick={() => set({ ...op, unitIds: [...op.unitIds, 0] })}
              style={{ alignSelf: 'flex-start' }}
              data-testid={`${testId}-add-source`}
            >
              {t('operation.addSource')}
            </Button>
          )}
        </Stack>
      </Fieldset>
      <Text size="sm" fw={600}>
        {t('operation.survivor')}
      </Text>
      <SegmentedControl
        value={mode}
        disabled={readOnly}
        onChange={(m) =>
          set({
            ...op,
            into: m === 'existing' ? { unitId: 0 } : { parentId: null, code: '', name: '', kind: '' },
          })
        }
        data={[
          { value: 'existing', label: t('operation.survivorExisting') },
          { value: 'new', label: t('operation.survivorNew') },
        ]}
        style={{ alignSelf: 'flex-start' }}
        data-testid={`${testId}-survivor-mode`}
      />
      {'unitId' in into ? (
        <UnitPicker
          label={t('operation.survivorUnit')}
          description={t('operation.survivorUnitHelp')}
          value={pick(into.unitId)}
          onChange={(id) => set({ ...op, into: { unitId: id ?? 0 } })}
          {...pickerWiring({ date, err, readOnly, testId }, 'into.unitId', 'survivor')}
        />
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <UnitPicker
            label={t('operation.parent')}
            value={pick(into.parentId)}
            onChange={(id) => set({ ...op, into: { ...into, parentId: id } })}
            {...pickerWiring({ date, err, readOnly, testId }, 'into.parentId', 'new-parent')}
          />
          <KindSelect
            label={t('unit.kind')}
            value={into.kind}
            onChange={(kind) => set({ ...op, into: { ...into, kind } })}
            parentId={pick(into.parentId) ?? undefined}
            date={date}
            error={err('into.kind')}
            disabled={readOnly}
            testId={`${testId}-new-kind`}
          />
          <TextInput
            label={t('unit.code')}
            dir="auto"
            value={into.code}
            onChange={(e) => set({ ...op, into: { ...into, code: e.currentTarget.value } })}
            error={err('into.code')}
            disabled={readOnly}
            data-testid={`${testId}-new-code`}
          />
          <TextInput
            label={t('unit.name')}
            dir="auto"
            value={into.name}
            onChange={(e) => set({ ...op, into: { ...into, name: e.currentTarget.value } })}
            error={err('into.name')}
            disabled={readOnly}
            data-testid={`${testId}-new-name`}
          />
        </SimpleGrid>
      )}
    </Stack>
  );
}

function SplitForm({ op, set, date, err, readOnly, testId }: FormProps<'split'>) {
  const { t } = useTranslation();
  const { kindName } = useKinds();
  const unitId = pick(op.unitId);
  const children = useChildren(unitId ?? 0, date, unitId !== null);
  const setPart = (i: number, part: SplitPart) =>
    set({ ...op, parts: op.parts.map((p, j) => (j === i ? part : p)) });
  const remainderIndex = op.parts.findIndex((p) => p.takesRemainder);
  const partOf = (childId: number) => op.parts.findIndex((p) => p.childIds?.includes(childId));
  const allocate = (childId: number, partIndex: number) =>
    set({
      ...op,
      parts: op.parts.map((p, j) => {
        const ids = (p.childIds ?? []).filter((id) => id !== childId);
        return { ...p, childIds: j === partIndex ? [...ids, childId] : ids };
      }),
    });
  const partLabel = (p: SplitPart, i: number) =>
    t('operation.partLabel', { n: i + 1, name: p.name || p.code || '…' });

  return (
    <Stack gap="sm">
      <UnitPicker
        label={t('operation.splitUnit')}
        value={unitId}
        onChange={(id) =>
          set({ ...op, unitId: id ?? 0, parts: op.parts.map((p) => ({ ...p, childIds: [] })) })
        }
        {...pickerWiring({ date, err, readOnly, testId }, 'unitId', 'unit')}
      />
      <Text size="sm" fw={600}>
        {t('operation.parts')}
      </Text>
      <Radio.Group
        value={remainderIndex >= 0 ? String(remainderIndex) : ''}
        onChange={(v) =>
          set({ ...op, parts: op.parts.map((p, j) => ({ ...p, takesRemainder: String(j) === v })) })
        }
        label={t('operation.remainder')}
        description={t('operation.remainderHelp')}
      >
        <Stack gap="xs" mt={6}>
          {op.parts.map((part, i) => (
            <Card key={i} withBorder padding="xs" data-testid={`${testId}-part-${i}`}>
              <Group align="flex-end" wrap="wrap" gap="sm">
                <Text size="sm" fw={600} w={60}>
                  {t('operation.part', { n: i + 1 })}
                </Text>
                <TextInput
                  label={t('unit.code')}
                  dir="auto"
                  value={part.code}
                  onChange={(e) => setPart(i, { ...part, code: e.currentTarget.value })}
                  error={err(`parts.${i}.code`)}
                  disabled={readOnly}
                  w={140}
                  data-testid={`${testId}-part-${i}-code`}
                />
                <TextInput
                  label={t('unit.name')}
                  dir="auto"
                  value={part.name}
                  onChange={(e) => setPart(i, { ...part, name: e.currentTarget.value })}
                  error={err(`parts.${i}.name`)}
                  disabled={readOnly}
                  style={{ flex: 1, minWidth: 180 }}
                  data-testid={`${testId}-part-${i}-name`}
                />
                <KindSelect
                  label={t('unit.kind')}
                  value={part.kind}
                  onChange={(kind) => setPart(i, { ...part, kind })}
                  date={date}
                  error={err(`parts.${i}.kind`)}
                  disabled={readOnly}
                  testId={`${testId}-part-${i}-kind`}
                />
                <Radio value={String(i)} label={t('operation.takesRemainder')} disabled={readOnly} />
                {!readOnly && op.parts.length > 2 && (
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    color="red"
                    onClick={() => set({ ...op, parts: op.parts.filter((_, j) => j !== i) })}
                  >
                    {t('operation.removePart')}
                  </Button>
                )}
              </Group>
              <PartMembers
                part={part}
                onChange={(next) => setPart(i, next)}
                err={(field) => err(`parts.${i}.${field}`)}
                readOnly={readOnly}
                testId={`${testId}-part-${i}`}
              />
            </Card>
          ))}
        </Stack>
      </Radio.Group>
      {!readOnly && (
        <Button
          size="compact-sm"
          variant="light"
          onClick={() => set({ ...op, parts: [...op.parts, blankPart(false)] })}
          style={{ alignSelf: 'flex-start' }}
        >
          {t('operation.addPart')}
        </Button>
      )}
      {unitId !== null && (
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {t('operation.allocation')}
          </Text>
          {children.data && children.data.items.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('operation.noChildrenToAllocate')}
            </Text>
          )}
          {children.data && children.data.items.length > 0 && (
            <Table withTableBorder>
              <Table.Tbody>
                {children.data.items.map((child) => {
                  const explicit = partOf(child.id);
                  return (
                    <Table.Tr key={child.id}>
                      <Table.Td>
                        <Code>{child.code}</Code> {child.name}
                        <Text size="xs" c="dimmed">
                          {kindName(child.kind)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <NativeSelect
                          aria-label={t('operation.allocateChild', { name: child.name })}
                          value={explicit >= 0 ? String(explicit) : ''}
                          onChange={(e) =>
                            allocate(
                              child.id,
                              e.currentTarget.value === '' ? -1 : Number(e.currentTarget.value),
                            )
                          }
                          disabled={readOnly}
                          data={[
                            {
                              value: '',
                              label:
                                remainderIndex >= 0
                                  ? t('operation.toRemainder', {
                                      part: partLabel(op.parts[remainderIndex] as SplitPart, remainderIndex),
                                    })
                                  : t('operation.unallocated'),
                            },
                            ...op.parts.map((p, i) => ({ value: String(i), label: partLabel(p, i) })),
                          ]}
                          data-testid={`${testId}-allocate-${child.code}`}
                        />
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      )}
    </Stack>
  );
}

const MEMBER_RULE_FIELDS = ['residence', 'homeTown', 'birthPlace', 'profession'] as const;

/**
 * Which members of the split unit go to this part: listed by id, and/or matched by a record field
 * containing a text. Both optional; members matched by neither follow the part that takes the rest.
 */
function PartMembers({
  part,
  onChange,
  err,
  readOnly,
  testId,
}: {
  part: SplitPart;
  onChange: (part: SplitPart) => void;
  err: (field: string) => string | undefined;
  readOnly: boolean;
  testId: string;
}) {
  const { t } = useTranslation();
  // The text stays as typed ("12, "); the part keeps only the ids in it.
  const [ids, setIds] = useState(() => (part.memberIds ?? []).join(', '));
  const rule = part.memberRule;
  return (
    <Group align="flex-start" wrap="wrap" gap="sm" mt={6}>
      <TextInput
        size="xs"
        label={t('operation.memberIds')}
        placeholder={t('operation.memberIdsPlaceholder')}
        dir="ltr"
        value={ids}
        onChange={(e) => {
          const text = e.currentTarget.value;
          setIds(text);
          const parsed = parseMemberIds(text);
          onChange({ ...part, memberIds: parsed.length ? parsed : undefined });
        }}
        error={err('memberIds')}
        disabled={readOnly}
        w={180}
        data-testid={`${testId}-member-ids`}
      />
      <NativeSelect
        size="xs"
        label={t('operation.memberRule')}
        value={rule?.field ?? ''}
        onChange={(e) => {
          const field = e.currentTarget.value as (typeof MEMBER_RULE_FIELDS)[number] | '';
          onChange({
            ...part,
            memberRule: field ? { field, contains: rule?.contains ?? '' } : undefined,
          });
        }}
        data={[
          { value: '', label: t('operation.memberRuleNone') },
          ...MEMBER_RULE_FIELDS.map((f) => ({ value: f, label: t(`memberField.${f}`) })),
        ]}
        error={err('memberRule.field')}
        disabled={readOnly}
        data-testid={`${testId}-member-rule-field`}
      />
      {rule && (
        <TextInput
          size="xs"
          label={t('operation.memberRuleContains')}
          dir="auto"
          value={rule.contains}
          onChange={(e) => onChange({ ...part, memberRule: { ...rule, contains: e.currentTarget.value } })}
          error={err('memberRule.contains') ?? err('memberRule')}
          disabled={readOnly}
          maxLength={200}
          style={{ flex: 1, minWidth: 160 }}
          data-testid={`${testId}-member-rule-contains`}
        />
      )}
    </Group>
  );
}
