import {
  Alert,
  Button,
  Card,
  Group,
  List,
  Loader,
  NativeSelect,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate, useParams } from 'react-router';
import { ApiError, errorMessage } from '../../../api/client';
import type { IsoDate, Order, OrderInput, Preview, ReorgOperation, Violation } from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { useAsOf } from '../../../app/as-of';
import { addDays, formatDate, formatDateTime, isUsableDate } from '../../../lib/dates';
import { useAccess } from '../../auth/hooks/use-session';
import { unitKeys, useUnit } from '../../units/hooks/use-units';
import {
  applyOrder,
  createOrder,
  deleteOrder,
  previewOrder,
  reverseOrder,
  updateOrder,
} from '../api/orders-api';
import { orderKeys, useOrder } from '../hooks/use-orders';
import { blankOperation, cleanOperation, OPERATION_TYPES, type OperationType } from './operation-drafts';
import { OperationCard } from './OperationCard';
import { OrderStateBadge } from './OrderStateBadge';
import { PreviewPanel } from './PreviewPanel';

/** /orders/new and /orders/:id: one reorganization order. */
export function OrderEditorPage() {
  const { t } = useTranslation();
  const params = useParams();
  const id = params.id ? Number(params.id) : null;
  const order = useOrder(id);
  // A message that survives the editor being rebuilt after a save, or the move from /orders/new to the saved order.
  const location = useLocation();
  const passed = (location.state as { notice?: string } | null)?.notice ?? null;
  const [local, setLocal] = useState<{ key: string; text: string | null } | null>(null);
  // A notice set on this page wins until the next navigation, which may bring its own.
  const notice = local && local.key === location.key ? local.text : passed;
  const setNotice = (text: string | null) => setLocal({ key: location.key, text });

  if (id !== null && (!Number.isInteger(id) || id <= 0))
    return <Alert color="red">{t('editor.badId')}</Alert>;
  if (id !== null && order.isPending) {
    return (
      <Group>
        <Loader size="sm" />
        <Text>{t('common.loading')}</Text>
      </Group>
    );
  }
  if (id !== null && order.isError) {
    return (
      <Alert color="red" role="alert" title={t('common.failed')}>
        {errorMessage(order.error)}
      </Alert>
    );
  }
  const loaded = order.data ?? null;
  return (
    <OrderEditor
      key={loaded ? `${loaded.id}:${loaded.version}` : 'new'}
      order={loaded}
      notice={notice}
      setNotice={setNotice}
    />
  );
}

interface FormState {
  effectiveDate: IsoDate;
  title: string;
  decision: { number: string; date: string; issuedBy: string; note: string };
  operations: ReorgOperation[];
}

function toForm(order: Order | null, today: IsoDate): FormState {
  return {
    effectiveDate: order?.effectiveDate ?? today,
    title: order?.title ?? '',
    decision: {
      number: order?.decision?.number ?? '',
      date: order?.decision?.date ?? '',
      issuedBy: order?.decision?.issuedBy ?? '',
      note: order?.decision?.note ?? '',
    },
    operations: order?.operations ?? [],
  };
}

function toInput(form: FormState): OrderInput {
  const text = (v: string) => (v.trim() ? v.trim() : null);
  return {
    effectiveDate: form.effectiveDate,
    title: text(form.title),
    decision: {
      number: text(form.decision.number),
      date: text(form.decision.date),
      issuedBy: text(form.decision.issuedBy),
      note: text(form.decision.note),
    },
    operations: form.operations.map(cleanOperation),
  };
}

interface OrderEditorProps {
  order: Order | null;
  notice: string | null;
  setNotice: (notice: string | null) => void;
}

function OrderEditor({ order, notice, setNotice }: OrderEditorProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const navigate = useNavigate();
  const client = useQueryClient();
  const { today, withAsOf } = useAsOf();
  const [initial] = useState(() => toForm(order, today));
  const [form, setForm] = useState<FormState>(initial);
  const [newType, setNewType] = useState<OperationType>('create');
  const [busy, setBusy] = useState<null | 'save' | 'preview' | 'apply' | 'reverse' | 'delete'>(null);
  const [error, setError] = useState<unknown>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [violations, setViolations] = useState<Violation[]>([]);
  const [confirmDelete, setConfirmDelete] = useState(false);

  const { can } = useAccess();
  const mayWrite = can('orders.write');
  const mayApply = can('orders.apply');
  const applied = order?.status === 'applied';
  // Applied orders are part of the record; readers without orders.write see drafts as they are.
  const readOnly = applied || !mayWrite;
  const dirty = JSON.stringify(form) !== JSON.stringify(initial);
  const conflict = error instanceof ApiError && error.code === 'version_conflict';
  const fieldError = (name: string) =>
    error instanceof ApiError && error.field === name
      ? error.detail
      : violations.find((v) => v.field === name)?.message;

  const update = (patch: Partial<FormState>) => {
    setForm((f) => ({ ...f, ...patch }));
    setPreview(null);
  };
  const setDecision = (patch: Partial<FormState['decision']>) =>
    setForm((f) => ({ ...f, decision: { ...f.decision, ...patch } }));
  const setOperation = (i: number, op: ReorgOperation) => {
    setForm((f) => ({ ...f, operations: f.operations.map((o, j) => (j === i ? op : o)) }));
    setPreview(null);
  };

  /** Runs one action, keeping the error (with its localized detail) for display. */
  const run = async <T,>(
    kind: NonNullable<typeof busy>,
    action: () => Promise<T>,
  ): Promise<T | undefined> => {
    setBusy(kind);
    setError(null);
    setNotice(null);
    try {
      return await action();
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && e.violations.length) setViolations(e.violations);
      return undefined;
    } finally {
      setBusy(null);
    }
  };

  /** Saves the form; a new order gets its address, an existing one a new version. */
  const save = async (): Promise<Order> => {
    const input = toInput(form);
    if (!order) return createOrder(input);
    return updateOrder(order, input);
  };

  const afterSave = (saved: Order, message: string) => {
    client.setQueryData(orderKeys.detail(saved.id), saved);
    void client.invalidateQueries({ queryKey: orderKeys.all, refetchType: 'active' });
    setNotice(message);
    if (!order || order.id !== saved.id)
      navigate(withAsOf(`/orders/${saved.id}`), { replace: !order, state: { notice: message } });
  };

  const onSave = () =>
    run('save', async () => {
      const saved = await save();
      afterSave(saved, t('editor.saved'));
    });

  const onPreview = () =>
    run('preview', async () => {
      const input = toInput(form);
      const result = await previewOrder({ effectiveDate: input.effectiveDate, operations: input.operations });
      setPreview(result);
      setViolations(result.violations);
    });

  const onApply = () =>
    run('apply', async () => {
      const saved = order && !dirty ? order : await save();
      if (saved !== order) client.setQueryData(orderKeys.detail(saved.id), saved);
      let applied: Order;
      try {
        applied = await applyOrder(saved);
      } catch (e) {
        // The save went through even if applying did not: show the saved draft, then the reason.
        if (saved !== order) afterSave(saved, t('editor.savedNotApplied'));
        throw e;
      }
      await client.invalidateQueries({ queryKey: unitKeys.all });
      afterSave(
        applied,
        applied.state === 'planned'
          ? t('editor.appliedPlanned', { date: formatDate(applied.effectiveDate, lang) })
          : t('editor.appliedInEffect', { date: formatDate(applied.effectiveDate, lang) }),
      );
    });

  const onReverse = () =>
    run('reverse', async () => {
      if (!order) return;
      const draft = await reverseOrder(order);
      client.setQueryData(orderKeys.detail(draft.id), draft);
      void client.invalidateQueries({ queryKey: orderKeys.all });
      navigate(withAsOf(`/orders/${draft.id}`), { state: { notice: t('editor.reversalCreated') } });
    });

  const onDelete = () =>
    run('delete', async () => {
      if (!order) return;
      await deleteOrder(order);
      client.removeQueries({ queryKey: orderKeys.detail(order.id) });
      void client.invalidateQueries({ queryKey: orderKeys.all });
      navigate(withAsOf('/orders'));
    });

  const reload = async () => {
    if (!order) return;
    setError(null);
    await client.invalidateQueries({ queryKey: orderKeys.detail(order.id) });
  };

  return (
    <Stack gap="lg" data-testid="order-editor">
      <Group justify="space-between" align="center">
        <Group gap="sm">
          <Title order={2}>
            {order ? order.title || t('orders.untitled', { id: order.id }) : t('editor.newTitle')}
          </Title>
          {order && <OrderStateBadge state={order.state} />}
        </Group>
        <AppLink to="/orders">{t('editor.backToList')}</AppLink>
      </Group>

      {notice && (
        <Alert color="teal" withCloseButton onClose={() => setNotice(null)} data-testid="editor-notice">
          {notice}
        </Alert>
      )}
      {order?.reversesOrderId && (
        <Alert color="blue" variant="light">
          {t('editor.reverses')}{' '}
          <AppLink to={`/orders/${order.reversesOrderId}`}>#{order.reversesOrderId}</AppLink>
        </Alert>
      )}
      {order?.reversedByOrderId && (
        <Alert color="blue" variant="light">
          {t('editor.reversedBy')}{' '}
          <AppLink to={`/orders/${order.reversedByOrderId}`}>#{order.reversedByOrderId}</AppLink>
        </Alert>
      )}
      {applied && order && (
        <Alert
          color={order.state === 'planned' ? 'blue' : 'teal'}
          variant="light"
          data-testid="applied-notice"
        >
          {order.state === 'planned'
            ? t('editor.isPlanned', { date: formatDate(order.effectiveDate, lang) })
            : t('editor.isInEffect', { date: formatDate(order.effectiveDate, lang) })}
          {order.appliedAt && ` ${t('editor.appliedAt', { when: formatDateTime(order.appliedAt, lang) })}`}
        </Alert>
      )}
      {applied && order?.createdUnitIds && <CreatedUnits order={order} />}

      <Card withBorder>
        <Stack gap="sm">
          <Title order={3} size="h4">
            {t('editor.orderAndDecision')}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              type="date"
              label={t('order.effectiveDate')}
              description={t('editor.effectiveDateHelp')}
              value={form.effectiveDate}
              onChange={(e) => update({ effectiveDate: e.currentTarget.value })}
              disabled={readOnly}
              required
              error={fieldError('effectiveDate')}
              data-testid="order-effective-date"
            />
            <TextInput
              label={t('order.title')}
              value={form.title}
              onChange={(e) => {
                const title = e.currentTarget.value;
                setForm((f) => ({ ...f, title }));
              }}
              disabled={readOnly}
              error={fieldError('title')}
              data-testid="order-title"
              dir="auto"
            />
            <TextInput
              label={t('decision.number')}
              value={form.decision.number}
              onChange={(e) => setDecision({ number: e.currentTarget.value })}
              disabled={readOnly}
              error={fieldError('decision.number')}
              data-testid="decision-number"
              dir="auto"
            />
            <TextInput
              type="date"
              label={t('decision.date')}
              value={form.decision.date}
              onChange={(e) => setDecision({ date: e.currentTarget.value })}
              disabled={readOnly}
              error={fieldError('decision.date')}
              data-testid="decision-date"
            />
            <TextInput
              label={t('decision.issuedBy')}
              value={form.decision.issuedBy}
              onChange={(e) => setDecision({ issuedBy: e.currentTarget.value })}
              disabled={readOnly}
              error={fieldError('decision.issuedBy')}
              data-testid="decision-issued-by"
              dir="auto"
            />
            <Textarea
              label={t('decision.note')}
              value={form.decision.note}
              onChange={(e) => setDecision({ note: e.currentTarget.value })}
              disabled={readOnly}
              autosize
              minRows={1}
              dir="auto"
              error={fieldError('decision.note')}
            />
          </SimpleGrid>
        </Stack>
      </Card>

      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('editor.operations')}
        </Title>
        {form.operations.length === 0 && (
          <Text c="dimmed" size="sm">
            {t('editor.noOperations')}
          </Text>
        )}
        {form.operations.map((op, i) => (
          <OperationCard
            // Operations have no id of their own; the position is their identity in the order.
            key={i}
            op={op}
            index={i}
            count={form.operations.length}
            // An applied order has already changed the tree on its date: show the units as they were the day before.
            lookupDate={
              applied && isUsableDate(form.effectiveDate)
                ? addDays(form.effectiveDate, -1)
                : form.effectiveDate
            }
            violations={violations}
            readOnly={readOnly}
            onChange={(next) => setOperation(i, next)}
            onRemove={() => update({ operations: form.operations.filter((_, j) => j !== i) })}
            onMove={(delta) => {
              const ops = [...form.operations];
              const [moved] = ops.splice(i, 1);
              ops.splice(i + delta, 0, moved as ReorgOperation);
              update({ operations: ops });
            }}
          />
        ))}
        {!readOnly && (
          <Group align="flex-end">
            <NativeSelect
              label={t('editor.operationType')}
              value={newType}
              onChange={(e) => setNewType(e.currentTarget.value as OperationType)}
              data={OPERATION_TYPES.map((type) => ({ value: type, label: t(`operation.type.${type}`) }))}
              data-testid="new-operation-type"
            />
            <Button
              variant="light"
              onClick={() => update({ operations: [...form.operations, blankOperation(newType)] })}
              data-testid="add-operation"
            >
              {t('editor.addOperation')}
            </Button>
          </Group>
        )}
      </Stack>

      {error !== null && (
        <Alert
          color={conflict ? 'orange' : 'red'}
          role="alert"
          title={conflict ? t('editor.conflictTitle') : t('common.failed')}
          data-testid="editor-error"
        >
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{conflict ? t('editor.conflictBody') : errorMessage(error)}</Text>
            {error instanceof ApiError && error.violations.length > 0 && (
              <List size="sm">
                {error.violations.map((v, i) => (
                  <List.Item key={i}>{v.message}</List.Item>
                ))}
              </List>
            )}
            {conflict && (
              <Button size="xs" variant="default" onClick={() => void reload()} data-testid="reload-order">
                {t('editor.reload')}
              </Button>
            )}
          </Stack>
        </Alert>
      )}

      <Group>
        {!readOnly && (
          <>
            <Button
              onClick={() => void onSave()}
              loading={busy === 'save'}
              disabled={busy !== null}
              data-testid="save-order"
            >
              {order ? t('editor.save') : t('editor.saveDraft')}
            </Button>
            <Button
              variant="default"
              onClick={() => void onPreview()}
              loading={busy === 'preview'}
              disabled={busy !== null || form.operations.length === 0}
              data-testid="preview-order"
            >
              {t('editor.preview')}
            </Button>
            {mayApply && (
              <Button
                color="teal"
                onClick={() => void onApply()}
                loading={busy === 'apply'}
                disabled={busy !== null || form.operations.length === 0}
                data-testid="apply-order"
              >
                {dirty || !order ? t('editor.saveAndApply') : t('editor.apply')}
              </Button>
            )}
            {order && !confirmDelete && (
              <Button
                variant="subtle"
                color="red"
                onClick={() => setConfirmDelete(true)}
                disabled={busy !== null}
              >
                {t('editor.delete')}
              </Button>
            )}
            {order && confirmDelete && (
              <Group gap="xs">
                <Text size="sm">{t('editor.deleteConfirm')}</Text>
                <Button
                  color="red"
                  size="xs"
                  onClick={() => void onDelete()}
                  loading={busy === 'delete'}
                  data-testid="confirm-delete"
                >
                  {t('editor.deleteYes')}
                </Button>
                <Button variant="default" size="xs" onClick={() => setConfirmDelete(false)}>
                  {t('common.cancel')}
                </Button>
              </Group>
            )}
          </>
        )}
        {!applied && !mayWrite && mayApply && order && (
          <Button
            color="teal"
            onClick={() => void onApply()}
            loading={busy === 'apply'}
            disabled={busy !== null || order.operations.length === 0}
            data-testid="apply-order"
          >
            {t('editor.apply')}
          </Button>
        )}
        {applied && mayWrite && order && !order.reversedByOrderId && (
          <Button
            variant="default"
            onClick={() => void onReverse()}
            loading={busy === 'reverse'}
            data-testid="reverse-order"
          >
            {t('editor.reverse')}
          </Button>
        )}
        {!readOnly && dirty && order && (
          <Text size="sm" c="dimmed">
            {t('editor.unsaved')}
          </Text>
        )}
      </Group>
      {!readOnly && (
        <Text size="xs" c="dimmed">
          {t('editor.applyHelp')}
        </Text>
      )}

      {preview && <PreviewPanel preview={preview} effectiveDate={form.effectiveDate} />}
    </Stack>
  );
}

function CreatedUnits({ order }: { order: Order }) {
  const { t } = useTranslation();
  const ids = Object.values(order.createdUnitIds ?? {}).flat();
  if (ids.length === 0) return null;
  return (
    <Card withBorder padding="sm">
      <Text size="sm" fw={600}>
        {t('editor.createdUnits')}
      </Text>
      <Group gap="sm">
        {ids.map((id) => (
          <CreatedUnitLink key={id} id={id} date={order.effectiveDate} />
        ))}
      </Group>
    </Card>
  );
}

function CreatedUnitLink({ id, date }: { id: number; date: IsoDate }) {
  const unit = useUnit(id, date);
  const shown = unit.data ? (unit.data.unit ?? unit.data.lastKnown) : null;
  return (
    <AppLink to={`/units/${id}`} asOf={date} size="sm">
      {shown ? `${shown.name} (${shown.code})` : `#${id}`}
    </AppLink>
  );
}
